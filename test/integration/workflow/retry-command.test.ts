// `/ko retry` end to end: the real app, the GitHub stand-in, signed webhooks, real API calls back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REPO,
  reactionsOf,
  repliesAfter,
  startStack,
  until,
  type Stack,
} from '../github/github-fixture.ts';

const KO_YML = [
  'approval:',
  '  required: false',
  'checks:',
  '  required: [build]',
  '  timeout_minutes: 5',
  '',
].join('\n');

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({}, { koYml: KO_YML });
  stack.sandbox.setCi(REPO, { checks: [{ name: 'build', outcome: 'failure', delayMs: 30 }] });
});

afterAll(async () => {
  await stack?.stop();
});

async function ask(login: string, body: string): Promise<string> {
  const id = stack.sandbox.as(login).comment(REPO, 1, body);
  await until(() => {
    const reactions = reactionsOf(stack, id);
    return reactions.includes('rocket') || reactions.includes('confused');
  });
  return repliesAfter(stack, id)
    .map((c) => c.body)
    .join('\n');
}

async function statusUntil(text: string): Promise<string> {
  const workflow = stack.app.workflow;
  if (workflow === undefined) throw new Error('the app runs no workflow engine');
  let last = '';
  const end = Date.now() + 20_000;
  while (Date.now() < end) {
    last = await workflow.status({ owner: 'acme', repo: 'app', pr: 1 });
    if (last.includes(text)) return last;
    await workflow.tick();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`status never showed "${text}":\n${last}`);
}

describe('/ko retry on a pull request', () => {
  it('says so when there is nothing to retry', async () => {
    const reply = await ask('bob', '/ko retry');
    expect(reply).toContain('Nothing to retry: no failed run on this PR. `/ko status` shows');
  });

  it('a merge that failed on its checks is retried after the fix and merges; apply needs admin and no dry-run label; merged is not retried', async () => {
    // The CI fails on the current head.
    stack.sandbox
      .as('alice')
      .pushCommit(REPO, { branch: 'feature', files: { 'f.txt': 'broken\n' } });
    await stack.sandbox.idle();
    const started = await ask('alice', '/ko merge --apply');
    expect(started).toContain('apply');
    await statusUntil('❌ failed');
    // The fix: CI repaired, a commit pushed.
    stack.sandbox.setCi(REPO, { checks: [{ name: 'build', outcome: 'success', delayMs: 30 }] });
    stack.sandbox
      .as('alice')
      .pushCommit(REPO, { branch: 'feature', files: { 'f.txt': 'fixed\n' } });
    await stack.sandbox.idle();
    // bob has write: the run is in apply mode, which needs admin, as /ko merge --apply does.
    const refused = await ask('bob', '/ko retry');
    expect(refused).toContain('Not retried: @bob has write access, but retrying merge run');
    expect(refused).toContain('needs admin');
    // The dry-run label forces dry-run for the PR: an applied run is not continued under it.
    stack.sandbox.as('alice').addLabel(REPO, 1, 'ko:dry-run');
    await stack.sandbox.idle();
    const labelled = await ask('alice', '/ko retry');
    expect(labelled).toContain('is in apply mode, but the PR has the ko:dry-run label');
    stack.sandbox.as('alice').removeLabel(REPO, 1, 'ko:dry-run');
    await stack.sandbox.idle();
    const retried = await ask('alice', '/ko retry');
    expect(retried).toContain(
      'from step `checks`, where it had ended failed: required check failed: build',
    );
    await until(() => stack.sandbox.getPullRequest(REPO, 1).merged === true);
    expect(stack.sandbox.readFile(REPO, 'f.txt')).toBe('fixed\n');
    const status = await statusUntil('✅ merged');
    expect(status).toContain('- retried 1×, last: ');
    expect(status).toContain('retried by @alice after it ended failed');
    const again = await ask('alice', '/ko retry');
    expect(again).toContain('Not retried: run');
    expect(again).toContain('already merged #1');
  });
});
