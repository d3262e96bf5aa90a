// End to end: the real ko-runner process (node bin/ko-runner.js) and real PowerShell 7 against a
// hub on a real http.Server: the four contract cases, dry-run, guard and sandbox refusals.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Job } from '../../../src/hub/job-types.ts';
import { startHub, type HubFixture } from '../hub/hub-fixture.ts';
import { requirePwsh, spawnRunner, type RunnerProcess } from './runner-fixture.ts';

let f: HubFixture;
let work: string;
let root: string;
let applyRunner: RunnerProcess;
let dryRunner: RunnerProcess;
const jobs: Record<string, string> = {};

async function output(id: string, stream: 'stdout' | 'stderr' = 'stdout'): Promise<string> {
  return (await f.api(`/ko/v1/jobs/${id}/output?stream=${stream}`)).text();
}

async function finished(id: string): Promise<Job> {
  const job = await f.hub.waitForJob(id, 55_000);
  if (!job || !['completed', 'rejected', 'lost', 'cancelled'].includes(job.state)) {
    throw new Error(
      `job ${id} did not finish: ${JSON.stringify(job)}\nrunner logs:\n${applyRunner.logs().slice(-3000)}`,
    );
  }
  return job;
}

beforeAll(async () => {
  requirePwsh();
  work = mkdtempSync(join(tmpdir(), 'ko-runner-e2e-'));
  root = join(work, 'repo');
  mkdirSync(join(root, 'src'), { recursive: true });
  symlinkSync(tmpdir(), join(root, 'escape')); // a way out of the root that only realpath sees
  f = await startHub({ dataDir: join(work, 'hub') });
  applyRunner = spawnRunner({
    url: f.url,
    token: await f.token('apply-runner', ['apply']),
    root,
    dataDir: join(work, 'runner-a'),
    extra: ['--apply', '--concurrency', '6'],
  });
  dryRunner = spawnRunner({
    url: f.url,
    token: await f.token('dry-runner', ['dry']),
    root,
    dataDir: join(work, 'runner-d'),
    extra: ['--concurrency', '2'],
  });
  await vi.waitFor(() => expect(f.hub.runners()).toHaveLength(2), {
    timeout: 45_000,
    interval: 200,
  });

  const submit = async (name: string, spec: Record<string, unknown>): Promise<void> => {
    const res = await f.api('/ko/v1/jobs', {
      method: 'POST',
      body: JSON.stringify({ labels: ['apply'], apply: true, ...spec }),
    });
    jobs[name] = ((await res.json()) as { job: Job }).job.id;
  };
  // Submitted together so the slow engine start-ups overlap (6 slots).
  await submit('normal', {
    script:
      'Write-Output "hello from pwsh"; Write-Output "major=$($PSVersionTable.PSVersion.Major)"',
    working_dir: 'src',
  });
  await submit('error', { script: 'Write-Output "about to fail"; exit 3' });
  // The engine can take 10 s to start on a loaded machine, so the timeout leaves room for that.
  await submit('timeout', {
    script: 'Write-Output start; Start-Sleep -Seconds 120; Write-Output never',
    timeout_ms: 30_000,
  });
  // No padding: the output masker emits a finished line at once, so "waiting" is seen live.
  await submit('cancel', {
    script: 'Write-Output waiting; Start-Sleep -Seconds 120; Write-Output never',
  });
  await submit('dryByJob', { script: 'Write-Output ran-for-real', apply: false });
  await submit('blocked', { script: 'Remove-Item -Recurse -Force /' });
  await submit('escape', { script: 'Get-ChildItem', working_dir: 'escape' });
  await submit('secrets', {
    script:
      'Write-Output "token=[$env:KO_RUNNER_TOKEN]"; Write-Output "pat=ghp_0123456789abcdefghijABCDEFGHIJ012345"',
  });
  await submit('dryByRunner', { script: 'Write-Output hi', labels: ['dry'] });
}, 60_000);

afterAll(async () => {
  await applyRunner?.stop();
  await dryRunner?.stop();
  await f?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the four contract cases', () => {
  it('normal: output streamed, status succeeded, exit 0, run inside the working dir', async () => {
    const job = await finished(jobs['normal']!);
    expect(job.result).toMatchObject({ status: 'succeeded', exit_code: 0 });
    expect(await output(job.id)).toBe('hello from pwsh\nmajor=7\n');
    expect(job.result!.streams.stdout.bytes).toBe(Buffer.byteLength('hello from pwsh\nmajor=7\n'));
  });

  it('error: a command that ran and failed is failed with its exit code (not retried)', async () => {
    const job = await finished(jobs['error']!);
    expect(job).toMatchObject({
      state: 'completed',
      attempts: 1,
      result: { status: 'failed', exit_code: 3 },
    });
    expect(await output(job.id)).toBe('about to fail\n');
  });

  it('timeout: timed_out, distinct from failed; output up to the kill is kept', async () => {
    const job = await finished(jobs['timeout']!);
    expect(job.result).toMatchObject({ status: 'timed_out', error: { code: 'TIMED_OUT' } });
    expect(job.result!.duration_ms).toBeGreaterThanOrEqual(30_000);
    expect(await output(job.id)).toBe('start\n');
  });

  it('cancel: exec.cancel stops the job, status cancelled', async () => {
    const id = jobs['cancel']!;
    await vi.waitFor(async () => expect(await output(id)).toMatch(/^waiting\n/), {
      timeout: 45_000,
      interval: 250,
    });
    expect((await f.hub.getJob(id))?.state).toBe('running');
    const res = await f.api(`/ko/v1/jobs/${id}/cancel`, { method: 'POST' });
    expect(res.status).toBe(202);
    const job = await finished(id);
    expect(job).toMatchObject({ cancel_requested: true, result: { status: 'cancelled' } });
    expect(await output(id)).toBe('waiting\n');
  });
});

describe('safety on the runner', () => {
  it('masks secrets in output before it leaves the runner, and jobs cannot read the runner token', async () => {
    const job = await finished(jobs['secrets']!);
    expect(job.result?.status).toBe('succeeded');
    const text = await output(job.id);
    expect(text).toContain('token=[]');
    expect(text).not.toContain('ghp_0123456789abcdefghijABCDEFGHIJ012345');
    expect(text).toMatch(/^pat=\[MASKED:[a-z-]+\]$/m);
  });

  it('dry-run when the job does not ask to apply: reports, runs nothing', async () => {
    const job = await finished(jobs['dryByJob']!);
    expect(job.result).toMatchObject({ status: 'dry_run', exit_code: null, started_at: null });
    const text = await output(job.id);
    expect(text).toContain('[dry-run] the job did not ask to apply');
    expect(text).not.toMatch(/^ran-for-real$/m); // the command never ran
  });

  it('dry-run when the runner was started without --apply, even if the job asks', async () => {
    const job = await finished(jobs['dryByRunner']!);
    expect(job.result?.status).toBe('dry_run');
    expect(await output(job.id)).toContain('started without --apply');
  });

  it('guard: a denied command is rejected by the runner with the rule that fired', async () => {
    const job = await finished(jobs['blocked']!);
    expect(job).toMatchObject({
      state: 'rejected',
      result: null,
      reason: { code: 'GUARD_DENIED' },
    });
    expect(job.reason?.message).toContain('recursive-delete');
  });

  it('sandbox: a working_dir that leaves the root through a symlink is refused', async () => {
    const job = await finished(jobs['escape']!);
    expect(job.state).toBe('rejected');
    expect(job.reason?.code).toMatch(/^SANDBOX_|EXEC_CWD_OUTSIDE_ROOT/);
  });

  it('sandbox: a working_dir with .. or an absolute path never leaves the API', async () => {
    for (const working_dir of ['../outside', '/etc', 'src/../../x']) {
      const res = await f.api('/ko/v1/jobs', {
        method: 'POST',
        body: JSON.stringify({ script: 'Get-ChildItem', working_dir }),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        'JOB_WORKING_DIR_OUTSIDE_ROOT',
      );
    }
  });
});
