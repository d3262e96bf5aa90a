// TRANSIENT failures to start a job are retried 3 times with backoff; the engine here is the real
// PowerShell 7, reachable only through a path that appears late (or never).
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { executeJob } from '../../../runner/src/executor/execute-job.ts';
import { createGuardPort } from '../../../runner/src/guard-port.ts';
import { RunnerDaemon } from '../../../runner/src/runner-daemon.ts';
import { createSandboxPort } from '../../../runner/src/sandbox-port.ts';
import { startHub, type HubFixture } from '../hub/hub-fixture.ts';
import { requirePwsh } from './runner-fixture.ts';

let f: HubFixture;
let work: string;
let daemon: RunnerDaemon | undefined;
let lines: string[];

beforeEach(async () => {
  requirePwsh();
  work = mkdtempSync(join(tmpdir(), 'ko-start-retry-'));
  mkdirSync(join(work, 'repo'));
  f = await startHub({ dataDir: join(work, 'hub') });
  lines = [];
});
afterEach(async () => {
  await daemon?.stop();
  await f.close();
  rmSync(work, { recursive: true, force: true });
});

async function startDaemon(pwshPath: string): Promise<void> {
  const sink = new Writable({
    write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()),
  });
  daemon = new RunnerDaemon({
    server: f.url,
    token: await f.token('late-engine'),
    root: join(work, 'repo'),
    dataDir: join(work, 'runner'),
    apply: true,
    pwshPath,
    execute: executeJob,
    guard: createGuardPort({ engine: 'ts' }),
    sandbox: createSandboxPort(),
    logger: pino({ level: 'warn' }, sink),
    startRetryBaseMs: 400,
  });
  daemon.start();
  await vi.waitFor(() => expect(f.hub.runners()).toHaveLength(1), { timeout: 20_000 });
}

const retries = (): number =>
  lines.filter((l) => l.includes('job failed to start; retrying')).length;

it('retries a spawn failure and succeeds once the engine is there; the job ran once', async () => {
  const late = join(work, 'pwsh-late');
  await startDaemon(late);
  const { job } = await f.hub.submit({ script: 'Write-Output started', apply: true });
  await vi.waitFor(() => expect(retries()).toBeGreaterThanOrEqual(1), {
    timeout: 20_000,
    interval: 20,
  });
  // The engine appears: a launcher written aside, then renamed into place in one step.
  writeFileSync(`${late}.tmp`, `#!/bin/sh\nexec '${requirePwsh()}' "$@"\n`, { mode: 0o755 });
  renameSync(`${late}.tmp`, late);
  const done = await f.hub.waitForJob(job.id, 50_000);
  expect(done).toMatchObject({
    state: 'completed',
    attempts: 1,
    result: { status: 'succeeded', exit_code: 0 },
  });
  expect(await (await f.api(`/ko/v1/jobs/${job.id}/output?stream=stdout`)).text()).toBe(
    'started\n',
  );
  expect(retries()).toBeLessThanOrEqual(3);
});

it('gives up after 3 retries with a failed result naming the spawn failure', async () => {
  await startDaemon(join(work, 'no-such-pwsh'));
  const { job } = await f.hub.submit({ script: 'Write-Output never', apply: true });
  const done = await f.hub.waitForJob(job.id, 30_000);
  expect(done).toMatchObject({
    state: 'completed',
    result: {
      status: 'failed',
      exit_code: null,
      started_at: null,
      error: { code: 'EXEC_SPAWN_FAILED' },
    },
  });
  expect(retries()).toBe(3);
});
