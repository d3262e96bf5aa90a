// End to end: the real ko-runner judges a command's relative paths from the job's working_dir.
// repo/sub/link points out of the root; `Get-Content link/passwd` run in sub must be refused.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { Job } from '../../../src/hub/job-types.ts';
import { startHub, type HubFixture } from '../hub/hub-fixture.ts';
import { requirePwsh, spawnRunner, type RunnerProcess } from './runner-fixture.ts';

let f: HubFixture;
let work: string;
let runner: RunnerProcess;

async function submitAndWait(spec: Record<string, unknown>): Promise<Job> {
  const res = await f.api('/ko/v1/jobs', { method: 'POST', body: JSON.stringify(spec) });
  expect(res.status).toBe(201);
  const id = ((await res.json()) as { job: Job }).job.id;
  const job = await f.hub.waitForJob(id, 40_000);
  if (!job || !['completed', 'rejected'].includes(job.state))
    throw new Error(
      `job ${id} did not finish: ${JSON.stringify(job)}\n${runner.logs().slice(-3000)}`,
    );
  return job;
}

beforeAll(async () => {
  requirePwsh();
  work = mkdtempSync(join(tmpdir(), 'ko-runner-guard-cwd-'));
  const root = join(work, 'repo');
  const outside = join(work, 'outside');
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'passwd'), 'not for jobs\n');
  symlinkSync(outside, join(root, 'sub', 'link'));
  f = await startHub({ dataDir: join(work, 'hub') });
  runner = spawnRunner({
    url: f.url,
    token: await f.token('cwd-runner'),
    root,
    dataDir: join(work, 'runner'),
    extra: ['--apply'],
  });
  await vi.waitFor(() => expect(f.hub.runners()).toHaveLength(1), {
    timeout: 45_000,
    interval: 200,
  });
}, 60_000);

afterAll(async () => {
  await runner?.stop();
  await f?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

it('a relative path through a link out of the root, from working_dir, is denied by the runner', async () => {
  const job = await submitAndWait({
    script: 'Get-Content link/passwd',
    working_dir: 'sub',
    apply: true,
  });
  expect(job).toMatchObject({ state: 'rejected', result: null, reason: { code: 'GUARD_DENIED' } });
  expect(job.reason?.message).toContain('path-outside-root');
  expect(await f.api(`/ko/v1/jobs/${job.id}/output?stream=stdout`).then((r) => r.text())).toBe('');
}, 60_000);

it('the same working_dir with a path that stays inside passes the guard (dry run)', async () => {
  const job = await submitAndWait({ script: 'Get-Content notes.txt', working_dir: 'sub' });
  expect(job).toMatchObject({ state: 'completed', result: { status: 'dry_run' } });
}, 60_000);
