import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubSandbox, type GitHubSandbox } from '../../../src/sandbox/index.ts';
import {
  appOctokit,
  installationOctokit,
  startReceiver,
  type HookReceiver,
  type ReceivedHook,
} from './helpers.ts';
import { WebhookValidator } from './openapi-validator.ts';

const SECRET = 'push-secret';
const FULL = 'acme/pushy';
const REPO = { owner: 'acme', repo: 'pushy' };
const ZERO = '0'.repeat(40);

interface PushCommit {
  id: string;
  distinct: boolean;
  message: string;
  added: string[];
  removed: string[];
  modified: string[];
  author: { name: string; username?: string };
}

interface Push {
  ref: string;
  before: string;
  after: string;
  created: boolean;
  deleted: boolean;
  forced: boolean;
  compare: string;
  commits: PushCommit[];
  head_commit: PushCommit | null;
  pusher: { name: string; email: string };
  sender: { login: string };
  repository: Record<string, unknown>;
}

const validator = new WebhookValidator();

/** The keys of GitHub's published push examples (@octokit/webhooks-examples), at one level. */
function exampleKeys(pick: (example: Record<string, unknown>) => unknown[]): string[] {
  const require = createRequire(import.meta.url);
  const all = require('@octokit/webhooks-examples/api.github.com/index.json') as {
    name: string;
    examples: Record<string, unknown>[];
  }[];
  const examples = all.find((e) => e.name === 'push')?.examples ?? [];
  const keys = examples.flatMap((e) => pick(e).flatMap((o) => Object.keys(o as object)));
  return [...new Set(keys)].sort();
}

describe('the stand-in sends push for every ref update, in GitHub’s shape', () => {
  let sandbox: GitHubSandbox;
  let receiver: HookReceiver;
  let kit: ReturnType<typeof installationOctokit>;

  /** Runs `act`, then the one push it caused for `ref` (after the deliveries before it). */
  async function pushOf(ref: string, act: () => unknown): Promise<Push> {
    const from = receiver.received.length;
    await act();
    await sandbox.idle();
    const pushes = receiver.received
      .slice(from)
      .filter((h) => h.event === 'push' && h.payload.ref === ref);
    expect(pushes).toHaveLength(1);
    const hook = pushes[0] as ReceivedHook;
    expect(hook.signatureValid).toBe(true);
    expect(validator.check('push', undefined, hook.payload)).toEqual([]);
    return hook.payload as unknown as Push;
  }

  beforeAll(async () => {
    receiver = await startReceiver(SECRET);
    sandbox = await startGitHubSandbox({
      appId: 91,
      webhookUrl: receiver.url,
      webhookSecret: SECRET,
    });
    sandbox.seedRepo({
      repo: FULL,
      ownerType: 'Organization',
      files: { 'README.md': 'one\n', 'lib/x.ts': 'x\n' },
    });
    sandbox.setPermission(FULL, 'alice', 'admin');
    kit = installationOctokit(sandbox, 'acme', {
      retry: { enabled: false },
      throttle: { enabled: false },
    });
  });

  afterAll(async () => {
    await sandbox?.stop();
    await receiver?.close();
  });

  it('a new branch with a commit: created, its commit listed with the file it added', async () => {
    const push = await pushOf('refs/heads/topic', () =>
      sandbox.as('alice').pushCommit(FULL, { branch: 'topic', files: { 'a.txt': 'a\n' } }),
    );
    expect(push).toMatchObject({ created: true, deleted: false, forced: false, before: ZERO });
    expect(push.compare).toMatch(/\/acme\/pushy\/compare\/topic$/);
    expect(push.commits.map((c) => [c.distinct, c.added, c.removed, c.modified])).toEqual([
      [true, ['a.txt'], [], []],
    ]);
    expect(push.head_commit?.id).toBe(push.after);
    expect(push.head_commit?.author).toMatchObject({ name: 'alice', username: 'alice' });
    expect(push.pusher.name).toBe('alice');
    expect(push.sender.login).toBe('alice');
  });

  it('has every field of GitHub’s published push examples, in the payload, its commits and its repository', async () => {
    const push = await pushOf('refs/heads/keys', () =>
      sandbox.as('alice').pushCommit(FULL, { branch: 'keys', files: { 'k.txt': 'k\n' } }),
    );
    const has = (o: object) => (k: string) => k in o;
    expect(exampleKeys((e) => [e.repository])).toContain('master_branch');
    expect(exampleKeys((e) => [e]).filter((k) => !has(push)(k))).toEqual([]);
    expect(
      exampleKeys((e) => e.commits as unknown[]).filter((k) => !has(push.commits[0] ?? {})(k)),
    ).toEqual([]);
    expect(exampleKeys((e) => [e.repository]).filter((k) => !has(push.repository)(k))).toEqual([]);
  });

  it('the repository carries created_at and pushed_at as unix seconds, as real push payloads do', async () => {
    const push = await pushOf('refs/heads/main', () =>
      sandbox.as('alice').pushCommit(FULL, {
        branch: 'main',
        files: { 'README.md': 'two\n', 'lib/x.ts': null },
      }),
    );
    expect(typeof push.repository.created_at).toBe('number');
    expect(typeof push.repository.pushed_at).toBe('number');
    expect(typeof push.repository.updated_at).toBe('string');
    expect(push.repository).toMatchObject({ master_branch: 'main', organization: 'acme' });
    expect(push.commits.map((c) => [c.removed, c.modified])).toEqual([
      [['lib/x.ts'], ['README.md']],
    ]);
    expect(push.compare).toContain(`${push.before.slice(0, 12)}...${push.after.slice(0, 12)}`);
    expect(push.forced).toBe(false);
  });

  it('the contents API commits on the default branch and the push says so, sent by the app', async () => {
    const push = await pushOf('refs/heads/main', () =>
      kit.rest.repos.createOrUpdateFileContents({
        ...REPO,
        path: '.github/ko.yml',
        message: 'config',
        content: Buffer.from('mode: dry-run\n').toString('base64'),
      }),
    );
    expect(push.commits.map((c) => c.added)).toEqual([['.github/ko.yml']]);
    expect(push.sender.login).toMatch(/\[bot\]$/);
  });

  it('git refs API: a ref created at a known commit lists no commits; a force move back is forced; delete is deleted', async () => {
    const main = (await kit.rest.git.getRef({ ...REPO, ref: 'heads/main' })).data.object.sha;
    const parent = (await kit.rest.git.getCommit({ ...REPO, commit_sha: main })).data.parents[0]
      ?.sha as string;
    const created = await pushOf('refs/heads/copy', () =>
      kit.rest.git.createRef({ ...REPO, ref: 'refs/heads/copy', sha: main }),
    );
    expect(created).toMatchObject({ created: true, commits: [], after: main });
    expect(created.head_commit?.distinct).toBe(false);

    const forced = await pushOf('refs/heads/copy', () =>
      kit.rest.git.updateRef({ ...REPO, ref: 'heads/copy', sha: parent, force: true }),
    );
    expect(forced).toMatchObject({ forced: true, before: main, after: parent, commits: [] });

    const deleted = await pushOf('refs/heads/copy', () =>
      kit.rest.git.deleteRef({ ...REPO, ref: 'heads/copy' }),
    );
    expect(deleted).toMatchObject({
      deleted: true,
      created: false,
      before: parent,
      after: ZERO,
      head_commit: null,
      commits: [],
    });
  });

  it('merging a PR pushes the base before closing the PR; a merge commit lists the PR commit as not distinct', async () => {
    const pr = sandbox.as('alice').openPullRequest(FULL, {
      head: 'feature',
      title: 'Feature',
      files: { 'f.txt': 'f\n' },
    });
    await sandbox.idle();
    const from = receiver.received.length;
    const push = await pushOf('refs/heads/main', () =>
      sandbox.as('alice').mergePullRequest(FULL, pr.number, 'merge'),
    );
    expect(push.forced).toBe(false);
    expect(push.commits.map((c) => [c.distinct, c.added])).toEqual([
      [false, ['f.txt']],
      [true, ['f.txt']],
    ]);
    const order = receiver.received
      .slice(from)
      .map((h) =>
        h.event === 'push'
          ? `push ${String(h.payload.ref)}`
          : `${h.event}.${String(h.payload.action)}`,
      )
      .filter((k) => k === 'push refs/heads/main' || k === 'pull_request.closed');
    expect(order).toEqual(['push refs/heads/main', 'pull_request.closed']);
  });

  it('a tag is a ref too', async () => {
    const main = (await kit.rest.git.getRef({ ...REPO, ref: 'heads/main' })).data.object.sha;
    const push = await pushOf('refs/tags/v1', () =>
      kit.rest.git.createRef({ ...REPO, ref: 'refs/tags/v1', sha: main }),
    );
    expect(push).toMatchObject({ created: true, after: main });
    expect(push.compare).toMatch(/\/compare\/v1$/);
  });
});

describe('an app that does not subscribe to push gets none', () => {
  it('sends the other events and lists the subscription without push', async () => {
    const receiver = await startReceiver(SECRET);
    const sandbox = await startGitHubSandbox({
      appId: 92,
      webhookUrl: receiver.url,
      webhookSecret: SECRET,
      appEvents: ['pull_request'],
    });
    try {
      sandbox.seedRepo({ repo: FULL, files: { 'README.md': 'one\n' } });
      sandbox.as('alice').openPullRequest(FULL, { head: 'b', title: 'B', files: { 'b.txt': 'b' } });
      await sandbox.idle();
      const events = receiver.received.map((h) => h.event);
      expect(events).toContain('pull_request');
      expect(events).not.toContain('push');
      const app = (await appOctokit(sandbox).rest.apps.getAuthenticated()).data;
      expect(app?.events).toEqual(['pull_request']);
    } finally {
      await sandbox.stop();
      await receiver.close();
    }
  });
});
