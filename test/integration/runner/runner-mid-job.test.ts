// Runner processes interrupted mid-job: nothing lost across a dropped socket or a hub restart; a
// runner restart reports the job lost (never re-run); the first signal drains.
// Real ko-runner processes, real PowerShell 7, real ws.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { Spool } from '../../../runner/src/spool.ts';
import type { Job } from '../../../src/hub/job-types.ts';
import { startHub, type HubFixture } from '../hub/hub-fixture.ts';
import { requirePwsh, spawnRunner, type RunnerProcess } from './runner-fixture.ts';

let f: HubFixture;
let work: string;
let root: string;
let runners: RunnerProcess[] = [];

// 8 lines of ~310 bytes, one every 400 ms: chunks flow while the job runs, so a drop lands
// mid-stream.
const SCRIPT =
  'foreach ($i in 1..8) { Write-Output ("line $i " + (\'x\' * 300)); Start-Sleep -Milliseconds 400 }';

beforeEach(async () => {
  requirePwsh();
  work = mkdtempSync(join(tmpdir(), 'ko-reconnect-'));
  root = join(work, 'repo');
  mkdirSync(root);
  f = await startHub({ dataDir: join(work, 'hub'), leaseMs: 30_000 });
});
afterEach(async () => {
  for (const r of runners) await r.stop();
  runners = [];
  await f.close();
  rmSync(work, { recursive: true, force: true });
});

async function startRunner(
  name: string,
  dataDir = join(work, `runner-${name}`),
): Promise<{ runner: RunnerProcess; token: string; runnerId: string }> {
  const created = await f.hub.tokens.create({ name, labels: [] });
  const runner = spawnRunner({
    url: f.url,
    token: created.token,
    root,
    dataDir,
    extra: ['--apply'],
  });
  runners.push(runner);
  await vi.waitFor(() => expect(f.hub.runners().map((r) => r.name)).toContain(name), {
    timeout: 45_000,
    interval: 200,
  });
  return { runner, token: created.token, runnerId: created.record.id };
}

async function outputSoFar(id: string): Promise<string> {
  return (await f.api(`/ko/v1/jobs/${id}/output?stream=stdout`)).text();
}

async function waitDone(id: string, runner: RunnerProcess): Promise<Job> {
  const job = await f.hub.waitForJob(id, 50_000);
  if (job?.state !== 'completed')
    throw new Error(`job not completed: ${JSON.stringify(job)}\n${runner.logs().slice(-4000)}`);
  return job;
}

const EXPECTED = Array.from({ length: 8 }, (_, i) => `line ${i + 1} ${'x'.repeat(300)}\n`).join('');

it('a socket killed mid-job: the runner reconnects, resumes, and every byte arrives once', async () => {
  const { runner, runnerId } = await startRunner('drop');
  const { job } = await f.hub.submit({ script: SCRIPT, apply: true });
  await vi.waitFor(async () => expect((await outputSoFar(job.id)).length).toBeGreaterThan(0), {
    timeout: 45_000,
    interval: 50,
  });
  f.hub.sessionOf(runnerId)!.ws.terminate();
  const done = await waitDone(job.id, runner);
  expect(done).toMatchObject({ attempts: 1, result: { status: 'succeeded', exit_code: 0 } });
  expect(await outputSoFar(job.id)).toBe(EXPECTED);
  expect(runner.logs()).toContain('reconnecting to hub');
  await vi.waitFor(() =>
    expect(Spool.pendingJobIds(join(work, 'runner-drop', 'spool'))).toEqual([]),
  ); // acked → spool cleared
});

it('a hub restarted mid-job: the job stays bound, the runner resumes delivery', async () => {
  const { runner } = await startRunner('restart');
  const { job } = await f.hub.submit({ script: SCRIPT, apply: true });
  await vi.waitFor(async () => expect((await outputSoFar(job.id)).length).toBeGreaterThan(0), {
    timeout: 45_000,
    interval: 50,
  });
  await f.closeHub();
  await new Promise((r) => setTimeout(r, 500));
  await f.restartHub({ leaseMs: 30_000 });
  const done = await waitDone(job.id, runner);
  expect(done).toMatchObject({ attempts: 1, result: { status: 'succeeded' } });
  expect(await outputSoFar(job.id)).toBe(EXPECTED);
});

it('a runner killed mid-job reports it lost on restart; it is never run twice', async () => {
  const dataDir = join(work, 'runner-crash');
  const first = await startRunner('crash', dataDir);
  const { job } = await f.hub.submit({ script: SCRIPT, apply: true, idempotent: false });
  await vi.waitFor(async () => expect((await f.hub.getJob(job.id))?.state).toBe('running'), {
    timeout: 45_000,
    interval: 50,
  });
  first.runner.child.kill('SIGKILL');
  await first.runner.exited;
  expect(Spool.pendingJobIds(join(dataDir, 'spool'))).toEqual([job.id]);
  const again = spawnRunner({ url: f.url, token: first.token, root, dataDir, extra: ['--apply'] });
  runners.push(again);
  const done = await waitDone(job.id, again);
  expect(done).toMatchObject({
    attempts: 1,
    result: { status: 'lost', error: { code: 'RUNNER_RESTARTED' } },
  });
});

it('first SIGTERM drains: the running job finishes and is delivered, no new job is taken, exit 0', async () => {
  const { runner } = await startRunner('drain');
  const { job } = await f.hub.submit({
    script: 'Start-Sleep -Seconds 8; Write-Output drained',
    apply: true,
  });
  await vi.waitFor(
    async () => expect(await f.hub.getJob(job.id)).toMatchObject({ state: 'running' }),
    {
      timeout: 45_000,
      interval: 50,
    },
  );
  runner.child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 200));
  const later = (await f.hub.submit({ script: 'Write-Output later', apply: true })).job;
  expect(await runner.exited).toBe(0);
  expect(await f.hub.getJob(job.id)).toMatchObject({
    state: 'completed',
    result: { status: 'succeeded' },
  });
  expect(await outputSoFar(job.id)).toBe('drained\n');
  await vi.waitFor(async () => expect((await f.hub.getJob(later.id))?.state).toBe('queued'));
  expect((await f.hub.getJob(later.id))?.result).toBeNull();
});
