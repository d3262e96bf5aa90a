// /ko exec end to end: comment → guard pre-check → hub queue → the real ko-runner process with
// PowerShell 7 (pwsh-host/out/pwsh) in dry-run → the output posted back on the PR; and a command
// the guard sends for approval, approved by a second person, reaching that runner.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePwsh, type RunnerProcess } from '../runner/runner-fixture.ts';
import {
  REPO,
  reactionsOf,
  repliesAfter,
  startStack,
  until,
  type Stack,
  attachRunner,
} from './github-fixture.ts';

let stack: Stack;
let runner: RunnerProcess;

beforeAll(async () => {
  requirePwsh();
  stack = await startStack({ execWaitMs: 50_000 });
  runner = await attachRunner(stack);
}, 90_000);

afterAll(async () => {
  await runner?.stop();
  await stack?.stop();
});

describe('/ko exec through a real runner', () => {
  it('queues a dry-run job, replies with its id, then posts the runner result', async () => {
    const id = stack.sandbox.as('bob').comment(REPO, 1, '/ko exec Write-Output "hello from ko"');
    const queued = await until(() =>
      repliesAfter(stack, id).find((c) => c.body.startsWith('Job `')),
    );
    const jobId = /^Job `([^`]+)`/.exec(queued.body)?.[1] ?? '';
    expect(queued.body).toContain('labelled `ps7`');
    expect(queued.body).toContain('dry-run');
    await until(() => reactionsOf(stack, id).includes('rocket'));
    expect(reactionsOf(stack, id)).toEqual(['eyes', 'rocket']);
    const result = await until(
      () => repliesAfter(stack, id).find((c) => c.body.startsWith(`### KO job \`${jobId}\``)),
      55_000,
    );
    expect(result.body).toContain('dry_run');
    expect(result.body).toContain('dry-run');
    const job = await stack.app.hub!.getJob(jobId);
    expect(job?.spec.apply).toBe(false);
    expect(job?.spec.labels).toEqual(['ps7']);
  }, 90_000);

  it('an approved command reaches the runner with its approval and reports back', async () => {
    const command = 'Set-Content -Path approved.txt -Value ok';
    const asked = stack.sandbox.as('alice').comment(REPO, 1, `/ko exec ${command}`);
    const pending = await until(() =>
      repliesAfter(stack, asked).find((c) => c.body.includes('is pending')),
    );
    const approvalId = /Approval `([^`]+)` is pending/.exec(pending.body)?.[1] ?? '';
    expect(approvalId).not.toBe('');

    // Deciding on dangerous work takes admin, like asking for it; carol is the second admin.
    stack.sandbox.setPermission(REPO, 'carol', 'admin');
    const approve = stack.sandbox.as('carol').comment(REPO, 1, `/ko approve ${approvalId}`);
    await until(() => repliesAfter(stack, approve).find((c) => c.body.includes('was approved')));

    const again = stack.sandbox.as('alice').comment(REPO, 1, `/ko exec ${command}`);
    const queued = await until(() =>
      repliesAfter(stack, again).find((c) => c.body.startsWith('Job `')),
    );
    const jobId = /^Job `([^`]+)`/.exec(queued.body)?.[1] ?? '';
    const result = await until(
      () => repliesAfter(stack, again).find((c) => c.body.startsWith(`### KO job \`${jobId}\``)),
      55_000,
    );
    // The runner re-checked the guard and accepted: a dry-run result, not a rejection.
    expect(result.body).toContain('dry_run');
    const job = await stack.app.hub!.getJob(jobId);
    expect(job).toMatchObject({
      state: 'completed',
      spec: { approval: { id: approvalId, approved_by: 'carol' } },
    });
    expect(runner.logs()).toContain(`"approval_id":"${approvalId}"`);
  }, 90_000);

  it('refuses a command the guard blocks, for everyone', async () => {
    const id = stack.sandbox.as('alice').comment(REPO, 1, '/ko exec Remove-Item -Recurse -Force /');
    await until(() => reactionsOf(stack, id).includes('confused'));
    const refusal = repliesAfter(stack, id).find((c) => c.body.startsWith('Refused:'));
    expect(refusal?.body).toContain('the guard blocks this command');
    expect((await stack.app.hub!.queue.list()).map((j) => j.spec.script)).not.toContain(
      'Remove-Item -Recurse -Force /',
    );
  });
});
