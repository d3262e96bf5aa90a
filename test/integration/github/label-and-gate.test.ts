// The ko:merge label path and the ko/gate Proceed/Abort buttons, through the real workflow engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckRunState } from '../../../src/sandbox/state.ts';
import { REPO, botComments, settled, startStack, until, type Stack } from './github-fixture.ts';

let stack: Stack;
const CONFIG = 'mode: apply\napproval:\n  required: true\nchecks:\n  required: [build]\n';

beforeAll(async () => {
  stack = await startStack({ tickIntervalMs: 500 }, { koYml: CONFIG, ci: true });
  stack.sandbox.setPermission(REPO, 'carol', 'admin');
});

afterAll(async () => {
  await stack?.stop();
});

function gateWithButtons(pr: number): CheckRunState | undefined {
  const head = (stack.sandbox.getPullRequest(REPO, pr).head as { sha: string }).sha;
  const runs = Object.values(stack.sandbox.state.repos[REPO]?.checkRuns ?? {});
  return runs.find(
    (r) =>
      r.name === 'ko/gate' &&
      r.headSha === head &&
      r.actions.some((a) => a.identifier.startsWith('proceed:')),
  );
}

function approvalState(id: string): string | undefined {
  const item = stack.app.github?.store.data.approvals[id] as { state?: string } | undefined;
  return item?.state;
}

describe('ko:merge label and gate buttons', () => {
  it('the label asks for a merge; the requester cannot press Proceed; another admin can, and the PR is squash-merged', async () => {
    stack.sandbox.as('alice').addLabel(REPO, 1, 'ko:merge');
    const gate = await until(() => gateWithButtons(1), 45_000);
    const proceed = gate.actions.find((a) => a.identifier.startsWith('proceed:'))?.identifier ?? '';
    const approvalId = proceed.split(':')[1] ?? '';

    stack.sandbox.clickCheckRunAction(gate.id, proceed, 'alice');
    await until(() => botComments(stack).find((c) => c.body.includes('cannot proceed')));
    await stack.app.github?.store.read();
    expect(approvalState(approvalId)).toBe('pending');

    stack.sandbox.clickCheckRunAction(gate.id, proceed, 'carol');
    await until(() => stack.sandbox.getPullRequest(REPO, 1).merged === true, 45_000);
    await stack.app.github?.store.read();
    expect(approvalState(approvalId)).toBe('approved');
  });

  it('Abort from the gate reaches the approval queue and nothing is merged', async () => {
    stack.sandbox
      .as('alice')
      .openPullRequest(REPO, { head: 'second', title: 'Second', files: { 's.txt': 's\n' } });
    await settled(stack);
    stack.sandbox.as('alice').addLabel(REPO, 2, 'ko:merge');
    const gate = await until(() => gateWithButtons(2), 45_000);
    const abort = gate.actions.find((a) => a.identifier.startsWith('abort:'))?.identifier ?? '';
    stack.sandbox.clickCheckRunAction(gate.id, abort, 'bob');
    await until(() => botComments(stack, 2).find((c) => c.body.includes('was aborted by @bob')));
    await stack.app.github?.store.read();
    expect(approvalState(abort.split(':')[1] ?? '')).toBe('aborted');
    expect(stack.sandbox.getPullRequest(REPO, 2).merged).toBe(false);
  });
});
