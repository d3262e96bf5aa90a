// Approvals end to end: the real ko-runner process and real PowerShell 7 against a hub on a real
// http.Server. The runner re-runs the guard and runs an "approval" command only when the job
// carries an approval bound to the exact text it received.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { prescreenExec } from '../../../src/commands/dispatch/prescreen-exec.ts';
import type { Job } from '../../../src/hub/job-types.ts';
import { startHub, type HubFixture } from '../hub/hub-fixture.ts';
import { requirePwsh, spawnRunner, type RunnerProcess } from './runner-fixture.ts';

// Needs approval (not on the allow-list) and leaves a file behind when it really ran.
const APPROVED = 'Set-Content -Path approved.txt -Value approved-ran';
const DRY = 'Set-Content -Path dry.txt -Value dry-ran';

let f: HubFixture;
let work: string;
let root: string;
let runner: RunnerProcess;
const jobs: Record<string, string> = {};

/** What the app records when a second person approves `command` (the guard's binding). */
function approvalFor(command: string, id: string): Record<string, string> {
  const decision = prescreenExec(command);
  if (decision.verdict !== 'approval') throw new Error(`${command}: ${decision.verdict}`);
  return { id, approved_by: 'bob', binding_sha256: decision.approval_binding_sha256 };
}

async function finished(id: string): Promise<Job> {
  const job = await f.hub.waitForJob(id, 55_000);
  if (!job || !['completed', 'rejected', 'lost', 'cancelled'].includes(job.state)) {
    throw new Error(
      `job ${id} did not finish: ${JSON.stringify(job)}\nrunner logs:\n${runner.logs().slice(-3000)}`,
    );
  }
  return job;
}

async function submit(name: string, spec: Record<string, unknown>): Promise<Response> {
  const res = await f.api('/ko/v1/jobs', {
    method: 'POST',
    body: JSON.stringify({ labels: ['apply'], apply: true, ...spec }),
  });
  if (res.status === 201) jobs[name] = ((await res.clone().json()) as { job: Job }).job.id;
  return res;
}

beforeAll(async () => {
  requirePwsh();
  work = mkdtempSync(join(tmpdir(), 'ko-runner-approval-'));
  root = join(work, 'repo');
  mkdirSync(root, { recursive: true });
  f = await startHub({ dataDir: join(work, 'hub') });
  runner = spawnRunner({
    url: f.url,
    token: await f.token('apply-runner', ['apply']),
    root,
    dataDir: join(work, 'runner'),
    extra: ['--apply', '--concurrency', '6'],
  });
  await vi.waitFor(() => expect(f.hub.runners()).toHaveLength(1), {
    timeout: 45_000,
    interval: 200,
  });
  const approval = approvalFor(APPROVED, 'ab23');
  await submit('none', { script: APPROVED });
  await submit('approved', { script: APPROVED, approval });
  await submit('dry', { script: DRY, apply: false, approval: approvalFor(DRY, 'cd45') });
  await submit('other', { script: 'Set-Content -Path other.txt -Value x', approval });
  await submit('case', { script: 'set-content -path approved.txt -value approved-ran', approval });
  await submit('backtick', {
    script: 'Set-Con`tent -Path approved.txt -Value approved-ran',
    approval,
  });
  const denied = 'Remove-Item -Recurse -Force /';
  const deniedBinding = prescreenExec(denied).approval_binding_sha256;
  await submit('denied', {
    script: denied,
    approval: { id: 'ef67', approved_by: 'bob', binding_sha256: deniedBinding },
  });
}, 60_000);

afterAll(async () => {
  await runner?.stop();
  await f?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('runner: commands the guard sends for approval', () => {
  it('are rejected without an approval, and nothing runs', async () => {
    const job = await finished(jobs['none']!);
    expect(job).toMatchObject({
      state: 'rejected',
      result: null,
      reason: { code: 'GUARD_APPROVAL_REQUIRED' },
    });
    expect(job.reason?.message).toContain('not-allow-listed');
  });

  it('run with an approval bound to the exact command, and the runner logs the approval id', async () => {
    const job = await finished(jobs['approved']!);
    expect(job.spec.approval).toMatchObject({ id: 'ab23', approved_by: 'bob' });
    expect(job.state).toBe('completed');
    expect(job.result).toMatchObject({ status: 'succeeded', exit_code: 0 });
    expect(readFileSync(join(root, 'approved.txt'), 'utf8').trim()).toBe('approved-ran');
    const accepted = runner
      .logs()
      .split('\n')
      // Jobs run concurrently: pick this job's line, not the first approval line logged.
      .find((line) => line.includes('carries a matching one') && line.includes(job.id));
    expect(accepted).toContain('"approval_id":"ab23"');
    expect(accepted).toContain(`"job_id":"${job.id}"`);
  });

  it('stay dry-run when the job does not ask to apply, approval or not', async () => {
    const job = await finished(jobs['dry']!);
    expect(job.result?.status).toBe('dry_run');
    expect(existsSync(join(root, 'dry.txt'))).toBe(false);
  });

  it.each([
    ['a different command', 'other'],
    ['a case-flipped variant of the approved command', 'case'],
    ['a backticked variant of the approved command', 'backtick'],
  ])('are rejected with an approval given for %s', async (_label, name) => {
    const job = await finished(jobs[name]!);
    expect(job).toMatchObject({
      state: 'rejected',
      result: null,
      reason: { code: 'GUARD_APPROVAL_MISMATCH' },
    });
    expect(job.reason?.message).toContain('ab23');
  });

  it('never lets an approval through a denied command', async () => {
    const job = await finished(jobs['denied']!);
    expect(job).toMatchObject({ state: 'rejected', reason: { code: 'GUARD_DENIED' } });
  });

  it('hub: a malformed approval never reaches a runner', async () => {
    const res = await submit('bad', {
      script: APPROVED,
      approval: { id: 'ab23', approved_by: 'bob', binding_sha256: 'not-hex' },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('JOB_BAD_FIELD');
  });
});
