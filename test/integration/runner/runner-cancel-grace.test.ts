// exec.cancel's grace_ms reaches the executor: a job that shrugs off the graceful signal is
// killed when the hub's grace is over, not after the executor's default 5 s. The engine is a
// stand-in (any executable works as pwshPath) that traps SIGTERM, says so, and would end by
// itself 4 s later, printing a marker, if nobody killed it first.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { executeJob } from '../../../runner/src/executor/execute-job.ts';
import { createGuardPort } from '../../../runner/src/guard-port.ts';
import { RunnerDaemon } from '../../../runner/src/runner-daemon.ts';
import { createSandboxPort } from '../../../runner/src/sandbox-port.ts';
import { startHub, type HubFixture } from '../hub/hub-fixture.ts';

let f: HubFixture;
let work: string;
let daemon: RunnerDaemon;
const logLines: { msg: string; graceMs?: number; reason?: string }[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ko-cancel-grace-'));
  const root = join(work, 'repo');
  mkdirSync(root);
  const engine = join(work, 'stubborn-engine.sh');
  writeFileSync(
    engine,
    [
      '#!/bin/bash',
      "trap 'echo got-term; sleep 4; echo ended-by-itself; exit 0' TERM",
      'echo started',
      'while true; do sleep 0.1; done',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  f = await startHub({ dataDir: join(work, 'hub'), cancelGraceMs: 300 });
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        logLines.push(JSON.parse(line) as (typeof logLines)[number]);
      done();
    },
  });
  daemon = new RunnerDaemon({
    server: f.url,
    token: await f.token('grace-runner'),
    root,
    dataDir: join(work, 'runner'),
    apply: true,
    pwshPath: engine,
    execute: executeJob,
    guard: createGuardPort({ engine: 'ts' }),
    sandbox: createSandboxPort(),
    logger: pino({ level: 'debug' }, sink),
    backoffBaseMs: 100,
  });
  daemon.start();
  await vi.waitFor(() => expect(f.hub.runners()).toHaveLength(1), { timeout: 20_000 });
}, 30_000);

afterAll(async () => {
  await daemon?.stop();
  await f?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

it('cancel with grace_ms 300: the stubborn job is killed before it can end by itself, and is cancelled', async () => {
  const { job } = await f.hub.submit({
    script: 'Write-Output ignored-by-the-stand-in',
    apply: true,
  });
  const output = async (): Promise<string> =>
    (await f.api(`/ko/v1/jobs/${job.id}/output?stream=stdout`)).text();
  await vi.waitFor(async () => expect(await output()).toContain('started'), {
    timeout: 20_000,
    interval: 100,
  });
  await f.hub.cancel(job.id);
  const done = await f.hub.waitForJob(job.id, 30_000);
  expect(done).toMatchObject({
    state: 'completed',
    cancel_requested: true,
    result: { status: 'cancelled', exit_code: null, error: { code: 'CANCELLED' } },
  });
  // It got the graceful signal, and the kill came before its own 4 s exit.
  expect(await output()).toBe('started\ngot-term\n');
  const stopping = logLines.filter((l) => l.msg === 'stopping job');
  const killing = logLines.filter((l) => l.msg === 'grace period over; killing the job');
  expect(stopping).toMatchObject([{ reason: 'cancelled', graceMs: 300 }]);
  expect(killing).toMatchObject([{ reason: 'cancelled', graceMs: 300 }]);
  expect(logLines.indexOf(stopping[0]!)).toBeLessThan(logLines.indexOf(killing[0]!));
}, 60_000);
