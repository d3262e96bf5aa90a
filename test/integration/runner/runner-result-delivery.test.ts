// Results are delivered until the hub acknowledges them: a lost ack makes the runner send the
// result again after its retry interval (the hub applies it once), and a result the hub never got
// survives a runner killed before the ack and goes out on the next start. The real ko-runner and
// PowerShell 7 behind a frame-filtering proxy (real ws both ways).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { Job } from '../../../src/hub/job-types.ts';
import { startHub, type HubFixture } from '../hub/hub-fixture.ts';
import { startFrameFilterProxy, type FrameFilterProxy } from './frame-filter-proxy.ts';
import { requirePwsh, spawnRunner, type RunnerProcess } from './runner-fixture.ts';

let f: HubFixture;
let proxy: FrameFilterProxy;
let work: string;
let root: string;
let runners: RunnerProcess[] = [];

beforeEach(async () => {
  requirePwsh();
  work = mkdtempSync(join(tmpdir(), 'ko-result-delivery-'));
  root = join(work, 'repo');
  mkdirSync(root);
  f = await startHub({ dataDir: join(work, 'hub'), leaseMs: 60_000 });
  proxy = await startFrameFilterProxy(f.url);
});
afterEach(async () => {
  for (const r of runners) await r.stop();
  runners = [];
  await proxy.close();
  await f.close();
  rmSync(work, { recursive: true, force: true });
});

async function runnerVia(url: string, token: string, dataDir: string): Promise<RunnerProcess> {
  const runner = spawnRunner({ url, token, root, dataDir, extra: ['--apply'] });
  runners.push(runner);
  await vi.waitFor(() => expect(f.hub.runners()).toHaveLength(1), {
    timeout: 45_000,
    interval: 100,
  });
  return runner;
}

function completions(id: string): Job[] {
  const seen: Job[] = [];
  f.hub.on('job', (job) => {
    if (job.id === id && job.state === 'completed') seen.push(job);
  });
  return seen;
}

it('the first ack is lost: the runner resends the result after its retry interval, applied once', async () => {
  const dataDir = join(work, 'runner');
  const runner = await runnerVia(proxy.url, await f.token('ack-loss'), dataDir);
  let acksDropped = 0;
  proxy.drop = (frame) => frame.type === 'ack' && acksDropped++ === 0;
  const { job } = await f.hub.submit({ script: 'Write-Output delivered', apply: true });
  const applied = completions(job.id);

  expect((await f.hub.waitForJob(job.id, 45_000))?.state).toBe('completed');
  await vi.waitFor(() => expect(runner.logs()).toContain('result acknowledged; spool cleared'), {
    timeout: 30_000,
    interval: 100,
  });
  const results = proxy.frames.filter((p) => p.type === 'exec.result');
  const acks = proxy.frames.filter((p) => p.type === 'ack');
  expect(results.length).toBeGreaterThanOrEqual(2);
  expect(acks[0]).toMatchObject({ dropped: true, body: { job_id: job.id } });
  // One ack per result sent; all but one say the hub already had it: it was applied once.
  expect(acks.filter((a) => a.body['duplicate'] === false)).toHaveLength(1);
  // Order: the result first; the lost ack; later an ack that got through (to a resend).
  const order = proxy.frames.filter((p) => p.type === 'exec.result' || p.type === 'ack');
  const lost = order.findIndex((p) => p.type === 'ack' && p.dropped);
  expect(order[0]).toMatchObject({ type: 'exec.result', dropped: false });
  expect(lost).toBeGreaterThan(0);
  expect(order.slice(lost + 1).some((p) => p.type === 'ack' && !p.dropped)).toBe(true);
  expect(runner.logs()).toContain('result not acknowledged yet; sending again');
  expect(applied).toHaveLength(1);
  expect(await f.hub.getJob(job.id)).toMatchObject({
    state: 'completed',
    attempts: 1,
    result: { status: 'succeeded', exit_code: 0 },
  });
  expect(await (await f.api(`/ko/v1/jobs/${job.id}/output?stream=stdout`)).text()).toBe(
    'delivered\n',
  );
}, 90_000);

it('a runner killed after its result but before the ack delivers the result on its next start', async () => {
  const dataDir = join(work, 'runner');
  const token = await f.token('crash-before-ack');
  const first = await runnerVia(proxy.url, token, dataDir);
  // The hub never hears the result, so it never acks.
  proxy.drop = (frame) => frame.type === 'exec.result';
  const { job } = await f.hub.submit({ script: 'Write-Output kept', apply: true });
  const applied = completions(job.id);
  // Twice: the first try and a resend after the retry interval, so the result is in the spool.
  await vi.waitFor(
    () => expect(proxy.frames.filter((p) => p.type === 'exec.result' && p.dropped)).toHaveLength(2),
    { timeout: 45_000, interval: 100 },
  );
  first.child.kill('SIGKILL');
  await first.exited;
  expect((await f.hub.getJob(job.id))?.state).toBe('running');

  const again = await runnerVia(f.url, token, dataDir);
  const done = await f.hub.waitForJob(job.id, 45_000);
  if (done?.state !== 'completed') throw new Error(`not delivered: ${again.logs().slice(-3000)}`);
  expect(done).toMatchObject({ attempts: 1, result: { status: 'succeeded', exit_code: 0 } });
  expect(await (await f.api(`/ko/v1/jobs/${job.id}/output?stream=stdout`)).text()).toBe('kept\n');
  await vi.waitFor(() => expect(again.logs()).toContain('result acknowledged; spool cleared'), {
    timeout: 20_000,
  });
  expect(first.logs()).not.toContain('result acknowledged; spool cleared');
  expect(applied).toHaveLength(1);
}, 90_000);
