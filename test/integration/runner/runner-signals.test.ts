// The runner's second and third signals (the first, drain, is in runner-mid-job.test.ts): the
// second cancels running jobs, whose results are still delivered; the third exits at once with
// TRANSIENT (12), leaving an undelivered result in the spool for the next start.
// Real ko-runner processes, real PowerShell 7, real ws.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { ExitCode } from '../../../contracts/exit-codes.ts';
import { startHub, type HubFixture } from '../hub/hub-fixture.ts';
import { requirePwsh, spawnRunner, type RunnerProcess } from './runner-fixture.ts';

let f: HubFixture;
let work: string;
let root: string;
let runners: RunnerProcess[] = [];

const DRAINING = 'draining: finishing running jobs';
const CANCELLING = 'cancelling running jobs (signal again to exit now)';
const EXITING = 'exiting now; undelivered results stay in the spool';

beforeEach(async () => {
  requirePwsh();
  work = mkdtempSync(join(tmpdir(), 'ko-runner-signals-'));
  root = join(work, 'repo');
  mkdirSync(root);
  f = await startHub({ dataDir: join(work, 'hub'), leaseMs: 60_000 });
});
afterEach(async () => {
  for (const r of runners) await r.stop();
  runners = [];
  await f.close();
  rmSync(work, { recursive: true, force: true });
});

async function startRunner(token: string, dataDir: string): Promise<RunnerProcess> {
  const runner = spawnRunner({ url: f.url, token, root, dataDir, extra: ['--apply'] });
  runners.push(runner);
  await vi.waitFor(() => expect(f.hub.runners()).toHaveLength(1), {
    timeout: 45_000,
    interval: 100,
  });
  return runner;
}

/** Sends SIGTERM and waits until the runner logged that it took it (signals must not merge). */
async function signal(runner: RunnerProcess, logged: string): Promise<void> {
  runner.child.kill('SIGTERM');
  await vi.waitFor(() => expect(runner.logs()).toContain(logged), { timeout: 10_000 });
}

async function output(id: string): Promise<string> {
  return (await f.api(`/ko/v1/jobs/${id}/output?stream=stdout`)).text();
}

it('second signal: the running job is cancelled, its result delivered, then the runner exits 0', async () => {
  const runner = await startRunner(await f.token('second'), join(work, 'runner'));
  const { job } = await f.hub.submit({
    script: 'Write-Output waiting; Start-Sleep -Seconds 120; Write-Output never',
    apply: true,
  });
  await vi.waitFor(async () => expect(await output(job.id)).toBe('waiting\n'), {
    timeout: 45_000,
    interval: 100,
  });
  await signal(runner, DRAINING);
  expect((await f.hub.getJob(job.id))?.state).toBe('running'); // draining alone lets it run
  await signal(runner, CANCELLING);
  expect(await runner.exited).toBe(ExitCode.OK);
  // By the time the runner is gone the hub has the result: the exit waited for the ack.
  expect(await f.hub.getJob(job.id)).toMatchObject({
    state: 'completed',
    result: { status: 'cancelled', error: { code: 'CANCELLED' } },
  });
  expect(await output(job.id)).toBe('waiting\n');
  expect(runner.logs()).not.toContain(EXITING);
}, 90_000);

it('third signal: exits at once with 12; the result stays in the spool and is delivered on the next start', async () => {
  const dataDir = join(work, 'runner');
  const token = await f.token('third');
  const first = await startRunner(token, dataDir);
  const { job } = await f.hub.submit({
    script: 'Start-Sleep -Seconds 2; Write-Output finished',
    apply: true,
  });
  await vi.waitFor(async () => expect((await f.hub.getJob(job.id))?.state).toBe('running'), {
    timeout: 45_000,
    interval: 100,
  });
  // The hub goes away, so the result the job produces cannot be acknowledged.
  await f.closeHub();
  await vi.waitFor(() => expect(first.logs()).toContain('"msg":"job finished"'), {
    timeout: 45_000,
    interval: 100,
  });
  await signal(first, DRAINING);
  await signal(first, CANCELLING);
  await signal(first, EXITING);
  expect(await first.exited).toBe(ExitCode.TRANSIENT);
  expect(first.logs()).not.toContain('result acknowledged');

  await f.restartHub({ leaseMs: 60_000 });
  expect((await f.hub.getJob(job.id))?.state).toBe('running');
  const again = await startRunner(token, dataDir);
  const done = await f.hub.waitForJob(job.id, 45_000);
  if (done?.state !== 'completed') throw new Error(`not delivered: ${again.logs().slice(-3000)}`);
  expect(done).toMatchObject({ attempts: 1, result: { status: 'succeeded', exit_code: 0 } });
  expect(await output(job.id)).toBe('finished\n');
}, 120_000);
