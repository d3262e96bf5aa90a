// /ko comments end to end: the real app, the stand-in, signed webhooks, real API calls back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REPO,
  repliesAfter,
  reactionsOf,
  settled,
  startStack,
  until,
  type Stack,
} from './github-fixture.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
});

async function ask(login: string, body: string): Promise<{ id: number; replies: string[] }> {
  const id = stack.sandbox.as(login).comment(REPO, 1, body);
  await until(() => {
    const reactions = reactionsOf(stack, id);
    return reactions.includes('rocket') || reactions.includes('confused');
  });
  return { id, replies: repliesAfter(stack, id).map((c) => c.body) };
}

describe('/ko commands on a pull request', () => {
  it('answers /ko help with the command list, eyes then rocket', async () => {
    const { id, replies } = await ask('bob', '/ko help');
    expect(replies.join('\n')).toContain('/ko merge');
    expect(reactionsOf(stack, id)).toEqual(['eyes', 'rocket']);
  });

  it('answers /ko status with the head, checks, approvals and jobs', async () => {
    const { replies } = await ask('rita', '/ko status');
    expect(replies[0]).toContain('### KO status of #1');
    expect(replies[0]).toContain('**Approvals waiting**');
  });

  it('refuses an unknown command with "did you mean"', async () => {
    const { id, replies } = await ask('bob', '/ko mrege');
    expect(replies[0]).toContain('Did you mean `/ko merge`?');
    expect(reactionsOf(stack, id)).toEqual(['eyes', 'confused']);
  });

  it('refuses a merge by a read-only user, naming the permission', async () => {
    const { replies } = await ask('rita', '/ko merge');
    expect(replies[0]).toMatch(/Refused: @rita has read access, but .* needs write/);
  });

  it('does nothing for an edited comment', async () => {
    const id = stack.sandbox.as('bob').comment(REPO, 1, 'just a note');
    await settled(stack);
    const before = repliesAfter(stack, id).length;
    stack.sandbox.as('bob').editComment(REPO, id, '/ko help');
    const edited = await stack.sandbox.waitForDelivery(
      (d) => d.event === 'issue_comment' && d.action === 'edited',
    );
    // Handled (not merely answered), and it did nothing.
    expect(await stack.app.deliveries!.settled(edited.guid)).toMatchObject({ state: 'done' });
    await settled(stack);
    expect(repliesAfter(stack, id)).toHaveLength(before);
    expect(reactionsOf(stack, id)).toEqual([]);
    expect(stack.sandbox.deliveries().at(-1)?.statusCode).toBe(200);
  });

  it('names the config field when .github/ko.yml on the default branch is invalid', async () => {
    stack.sandbox.as('alice').pushCommit(REPO, {
      branch: 'main',
      files: { '.github/ko.yml': 'mode: yolo\n' },
    });
    await settled(stack);
    const { replies } = await ask('alice', '/ko plan');
    expect(replies[0]).toContain('KO cannot use `.github/ko.yml` on `main`');
    expect(replies[0]).toContain('`mode`');
    stack.sandbox.as('alice').pushCommit(REPO, {
      branch: 'main',
      files: { '.github/ko.yml': 'exec:\n  allowed_runner_labels: [ps7]\n' },
    });
    await settled(stack);
  });

  it('a PR cannot loosen its own rules: config is read from the default branch', async () => {
    stack.sandbox
      .as('alice')
      .pushCommit(REPO, { branch: 'feature', files: { '.github/ko.yml': 'mode: yolo\n' } });
    await settled(stack);
    const { replies } = await ask('alice', '/ko plan');
    expect(replies[0]).toContain('### KO plan for #1');
  });

  it('waits out a secondary rate limit on the reply and retries (bounded throttling handlers)', async () => {
    stack.sandbox.secondaryRateLimit(1, {
      retryAfterSeconds: 1,
      match: /^POST \/repos\/acme\/app\/issues\/1\/comments$/,
    });
    const { replies } = await ask('bob', '/ko help exec');
    expect(replies[0]).toContain('/ko exec');
    expect(stack.sandbox.faultsPending().requests).toBe(0);
    expect(stack.logs.some((l) => l.includes('secondary rate limit on POST'))).toBe(true);
  });

  it('the ko:dry-run label forces dry-run whatever the comment asks', async () => {
    stack.sandbox.as('alice').addLabel(REPO, 1, 'ko:dry-run');
    await settled(stack);
    const { replies } = await ask('alice', '/ko merge --apply');
    expect(replies[0]).toContain('dry-run: the PR has the dry-run label (`--apply` was ignored)');
    expect(stack.sandbox.getPullRequest(REPO, 1).merged).toBe(false);
  });
});
