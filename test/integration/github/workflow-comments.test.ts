// The workflow commands as people use them: real comments on the stand-in, the real app and
// workflow engine, CI from the stand-in. /ko synthetic, /ko rollback, /ko merge with
// /ko approve, and /ko abort <id>, each waited for by its effect on "GitHub".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckRunState, IssueState } from '../../../src/sandbox/state.ts';
import {
  REPO,
  reactionsOf,
  repliesAfter,
  startStack,
  until,
  type Stack,
} from './github-fixture.ts';

const CONFIG = [
  'mode: apply',
  'approval:',
  '  required: true',
  '  auto_approve_synthetic: true',
  'checks:',
  '  required: [build]',
  '',
].join('\n');

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ tickIntervalMs: 500 }, { koYml: CONFIG, ci: true });
  stack.sandbox.setPermission(REPO, 'carol', 'admin');
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

/** Comments as `login` on `pr` and waits for KO's last reaction; returns KO's replies. */
async function ask(login: string, pr: number, body: string): Promise<string> {
  const id = stack.sandbox.as(login).comment(REPO, pr, body);
  await until(() => reactionsOf(stack, id).length > 1, 45_000);
  expect(reactionsOf(stack, id)).toEqual(['eyes', 'rocket']);
  return repliesAfter(stack, id, pr)
    .map((c) => c.body)
    .join('\n');
}

function pulls(): IssueState[] {
  return Object.values(stack.sandbox.state.repos[REPO]?.issues ?? {}).filter((i) => i.pull);
}

function pullWithHead(prefix: string): IssueState | undefined {
  return pulls().find((i) => i.pull?.headRef.startsWith(prefix));
}

/** The approval id on the ko/gate check run of `pr`'s head, once its buttons are up. */
function gateApproval(pr: number): string | undefined {
  const head = (stack.sandbox.getPullRequest(REPO, pr).head as { sha: string }).sha;
  const runs: CheckRunState[] = Object.values(stack.sandbox.state.repos[REPO]?.checkRuns ?? {});
  const gate = runs.find((r) => r.name === 'ko/gate' && r.headSha === head);
  const proceed = gate?.actions.find((a) => a.identifier.startsWith('proceed:'));
  return proceed?.identifier.split(':')[1];
}

function approvalState(id: string): string | undefined {
  const item = stack.app.github?.store.data.approvals[id] as { state?: string } | undefined;
  return item?.state;
}

describe('workflow commands from PR comments', () => {
  it('/ko synthetic runs the synthetic workflow to a merged PR; /ko rollback reverts it through the gate', async () => {
    const reply = await ask('alice', 1, '/ko synthetic');
    expect(reply).toContain('Mode: apply');
    const synthetic = await until(() => {
      const pr = pullWithHead('ko/synthetic-');
      return pr?.pull?.mergedAt ? pr : undefined;
    }, 45_000);
    expect(stack.sandbox.readFile(REPO, 'README.md')).toContain('synthetic run');

    const rollback = await ask('alice', synthetic.number, '/ko rollback');
    expect(rollback).toContain('Mode: apply');
    const revert = await until(() => pullWithHead(`revert-${synthetic.number}-`), 45_000);
    // A rollback is never auto-approved, and the requester cannot approve it (four eyes).
    const approvalId = await until(() => gateApproval(revert.number), 45_000);
    const own = stack.sandbox.as('alice').comment(REPO, revert.number, `/ko approve ${approvalId}`);
    await until(() => reactionsOf(stack, own).includes('confused'), 45_000);
    expect(approvalState(approvalId)).toBe('pending');

    const approved = await ask('carol', revert.number, `/ko approve ${approvalId}`);
    expect(approved).toContain(`Approval \`${approvalId}\``);
    expect(approved).toContain('was approved by @carol');
    await until(() => stack.sandbox.getPullRequest(REPO, revert.number).merged === true, 45_000);
    expect(stack.sandbox.readFile(REPO, 'README.md')).toBe('# app\n');
  }, 150_000);

  it('/ko merge waits for checks and a second admin, then squash-merges the PR', async () => {
    const reply = await ask('alice', 1, '/ko merge');
    expect(reply).toContain('Mode: apply');
    const approvalId = await until(() => gateApproval(1), 45_000);
    expect(stack.sandbox.getPullRequest(REPO, 1).merged).toBe(false);
    const approved = await ask('carol', 1, `/ko approve ${approvalId}`);
    expect(approved).toContain('was approved by @carol');
    await until(() => stack.sandbox.getPullRequest(REPO, 1).merged === true, 45_000);
    expect(approvalState(approvalId)).toBe('approved');
    expect(stack.sandbox.readFile(REPO, 'f.txt')).toBe('f\n');
  }, 120_000);

  it('/ko abort <id> aborts a pending approval, and nothing is merged', async () => {
    const pr = stack.sandbox.as('alice').openPullRequest(REPO, {
      head: 'to-abort',
      title: 'Abort me',
      files: { 'a.txt': 'a\n' },
    }).number;
    const reply = await ask('alice', pr, '/ko merge');
    expect(reply).toContain('Mode: apply');
    const approvalId = await until(() => gateApproval(pr), 45_000);

    const aborted = await ask('bob', pr, `/ko abort ${approvalId}`);
    expect(aborted).toContain(`Approval \`${approvalId}\``);
    expect(aborted).toContain('was aborted by @bob');
    expect(approvalState(approvalId)).toBe('aborted');
    // The run ends aborted: ko/gate says so and the PR stays open and unmerged.
    await until(() => {
      const head = (stack.sandbox.getPullRequest(REPO, pr).head as { sha: string }).sha;
      const runs = Object.values(stack.sandbox.state.repos[REPO]?.checkRuns ?? {});
      return runs.some(
        (r) => r.name === 'ko/gate' && r.headSha === head && r.status === 'completed',
      );
    }, 45_000);
    expect(stack.sandbox.getPullRequest(REPO, pr).merged).toBe(false);
    expect(stack.sandbox.getPullRequest(REPO, pr).state).toBe('open');
  }, 120_000);
});
