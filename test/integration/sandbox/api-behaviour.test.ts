import { createSign, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubSandbox, type GitHubSandbox } from '../../../src/sandbox/index.ts';
import {
  installationOctokit,
  rawApi,
  startReceiver,
  type HookReceiver,
  type RawAnswer,
} from './helpers.ts';

const SECRET = 'behaviour-secret';
const R = '/repos/acme/app';

function jwt(privateKey: string, claims: Record<string, unknown>): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const data = `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc(claims)}`;
  return `${data}.${createSign('RSA-SHA256').update(data).sign(privateKey).toString('base64url')}`;
}

describe('the stand-in’s REST behaviour (status codes, rules, webhooks)', () => {
  let sandbox: GitHubSandbox;
  let receiver: HookReceiver;
  let token: string;
  const api = (method: string, path: string, body?: unknown): Promise<RawAnswer> =>
    rawApi(sandbox.apiUrl, `token ${token}`, method, path, body);
  const now = (): number => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    receiver = await startReceiver(SECRET);
    sandbox = await startGitHubSandbox({
      appId: 99,
      webhookUrl: receiver.url,
      webhookSecret: SECRET,
    });
    sandbox.seedRepo({ repo: 'acme/app', files: { 'README.md': 'one\n', 'docs/a.md': 'a\n' } });
    sandbox.seedRepo({ repo: 'other/secret', private: true });
    token = (
      (await installationOctokit(sandbox, 'acme').auth({ type: 'installation' })) as {
        token: string;
      }
    ).token;
  });

  afterAll(async () => {
    await sandbox?.stop();
    await receiver?.close();
  });

  it('refuses missing, unknown and misplaced credentials', async () => {
    const cases: { auth: string | undefined; path: string; status: number }[] = [
      { auth: undefined, path: R, status: 401 },
      { auth: 'token ghs_nope', path: R, status: 401 },
      { auth: `Bearer ${token}`, path: R, status: 200 },
      { auth: `token ${token}`, path: '/app', status: 401 },
      {
        auth: `Bearer ${jwt(sandbox.privateKeyPem, { iss: 99, iat: now() - 30, exp: now() + 300 })}`,
        path: '/app',
        status: 200,
      },
      {
        auth: `Bearer ${jwt(sandbox.privateKeyPem, { iss: 99, iat: now() - 30, exp: now() + 300 })}`,
        path: R,
        status: 403,
      },
      {
        auth: `Bearer ${jwt(sandbox.privateKeyPem, { iss: 98, iat: now() - 30, exp: now() + 300 })}`,
        path: '/app',
        status: 401,
      },
      {
        auth: `Bearer ${jwt(sandbox.privateKeyPem, { iss: 99, iat: now() - 700, exp: now() - 10 })}`,
        path: '/app',
        status: 401,
      },
      {
        auth: `Bearer ${jwt(sandbox.privateKeyPem, { iss: 99, iat: now(), exp: now() + 3600 })}`,
        path: '/app',
        status: 401,
      },
      {
        auth: `Bearer ${jwt(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), { iss: 99, iat: now(), exp: now() + 60 })}`,
        path: '/app',
        status: 401,
      },
      { auth: `token ${token}`, path: '/repos/other/secret', status: 404 },
    ];
    const got = [];
    for (const c of cases)
      got.push({ ...c, status: (await rawApi(sandbox.apiUrl, c.auth, 'GET', c.path)).status });
    expect(got).toEqual(cases);
  });

  it('moves refs like git: fast-forward only unless forced, 422 for a missing ref, 204 on delete', async () => {
    const main = (await api('GET', `${R}/git/ref/heads/main`)).body.object.sha as string;
    const tree = (await api('GET', `${R}/git/commits/${main}`)).body.tree.sha as string;
    const side = (await api('POST', `${R}/git/commits`, { message: 'side', tree, parents: [] }))
      .body.sha as string;
    expect((await api('POST', `${R}/git/refs`, { ref: 'refs/heads/tmp', sha: main })).status).toBe(
      201,
    );
    expect((await api('POST', `${R}/git/refs`, { ref: 'refs/heads/tmp', sha: main })).status).toBe(
      422,
    );
    expect((await api('PATCH', `${R}/git/refs/heads/tmp`, { sha: side })).status).toBe(422);
    expect((await api('PATCH', `${R}/git/refs/heads/tmp`, { sha: side, force: true })).status).toBe(
      200,
    );
    expect((await api('GET', `${R}/git/matching-refs/heads/tm`)).body).toHaveLength(1);
    expect((await api('DELETE', `${R}/git/refs/heads/tmp`)).status).toBe(204);
    expect((await api('GET', `${R}/git/ref/heads/tmp`)).status).toBe(404);
    expect((await api('PATCH', `${R}/git/refs/heads/tmp`, { sha: main })).status).toBe(422);
    const recursive = (await api('GET', `${R}/git/trees/${tree}?recursive=1`)).body.tree.map(
      (e: { path: string }) => e.path,
    );
    expect(recursive).toEqual(['README.md', 'docs', 'docs/a.md']);
  });

  it('writes contents with sha preconditions and sends synchronize for a PR branch', async () => {
    const put = (body: Record<string, unknown>): Promise<RawAnswer> =>
      api('PUT', `${R}/contents/notes/n.txt`, { message: 'n', ...body });
    expect(
      (await put({ content: Buffer.from('1').toString('base64'), branch: 'main' })).status,
    ).toBe(201);
    expect((await put({ content: Buffer.from('2').toString('base64') })).status).toBe(422);
    expect(
      (await put({ content: Buffer.from('2').toString('base64'), sha: 'f'.repeat(40) })).status,
    ).toBe(409);
    const current = (await api('GET', `${R}/contents/notes/n.txt`)).body;
    expect(Buffer.from(current.content, 'base64').toString()).toBe('1');
    expect(
      (await put({ content: Buffer.from('2').toString('base64'), sha: current.sha })).status,
    ).toBe(200);
    expect(sandbox.readFile('acme/app', 'notes/n.txt')).toBe('2');
    expect(
      (await api('GET', `${R}/contents/notes`)).body.map((e: { name: string; type: string }) => [
        e.name,
        e.type,
      ]),
    ).toEqual([['n.txt', 'file']]);

    const pr = sandbox
      .as('alice')
      .openPullRequest('acme/app', { head: 'feat', title: 'Feat', files: { 'f.txt': 'f\n' } });
    const file = (await api('GET', `${R}/contents/f.txt?ref=feat`)).body;
    const r = await api('PUT', `${R}/contents/f.txt`, {
      message: 'more',
      content: Buffer.from('g\n').toString('base64'),
      sha: file.sha,
      branch: 'feat',
    });
    expect(r.status).toBe(200);
    const sync = await receiver.waitFor(
      (h) =>
        h.event === 'pull_request' &&
        h.payload.action === 'synchronize' &&
        h.payload.number === pr.number,
    );
    expect(sync.payload.after).toBe(r.body.commit.sha);
  });

  it('computes mergeability: conflicts make a PR dirty (405), a stale sha is a 409, required checks block', async () => {
    const alice = sandbox.as('alice');
    const conflicted = alice.openPullRequest('acme/app', {
      head: 'c1',
      title: 'C1',
      files: { 'README.md': 'from c1\n' },
    });
    const clean = alice.openPullRequest('acme/app', {
      head: 'c2',
      title: 'C2',
      files: { 'docs/b.md': 'b\n' },
    });
    alice.pushCommit('acme/app', { branch: 'main', files: { 'README.md': 'main moved\n' } });

    const dirty = (await api('GET', `${R}/pulls/${conflicted.number}`)).body;
    expect([dirty.mergeable, dirty.mergeable_state]).toEqual([false, 'dirty']);
    expect(
      (await api('PUT', `${R}/pulls/${conflicted.number}/merge`, { merge_method: 'squash' }))
        .status,
    ).toBe(405);
    expect(
      (await api('PUT', `${R}/pulls/${clean.number}/merge`, { sha: 'a'.repeat(40) })).status,
    ).toBe(409);

    sandbox.setRequiredChecks('acme/app', ['build']);
    expect((await api('GET', `${R}/pulls/${clean.number}`)).body.mergeable_state).toBe('blocked');
    expect((await api('PUT', `${R}/pulls/${clean.number}/merge`, {})).status).toBe(405);
    await api('POST', `${R}/statuses/${clean.pull.headSha}`, {
      state: 'success',
      context: 'build',
    });
    await api('POST', `${R}/check-runs`, {
      name: 'extra',
      head_sha: clean.pull.headSha,
      conclusion: 'failure',
    });
    expect((await api('GET', `${R}/pulls/${clean.number}`)).body.mergeable_state).toBe('unstable');
    const merged = await api('PUT', `${R}/pulls/${clean.number}/merge`, {
      merge_method: 'merge',
      sha: clean.pull.headSha,
    });
    expect(merged.status).toBe(200);
    expect((await api('GET', `${R}/git/commits/${merged.body.sha}`)).body.parents).toHaveLength(2);
    expect((await api('GET', `${R}/pulls/${clean.number}/merge`)).status).toBe(204);
    expect((await api('PUT', `${R}/pulls/${clean.number}/merge`, {})).status).toBe(405);
    sandbox.setRequiredChecks('acme/app', []);

    sandbox.mergeabilityPending('acme/app', 1);
    const computing = (await api('GET', `${R}/pulls/${conflicted.number}`)).body;
    expect([computing.mergeable, computing.mergeable_state]).toEqual([null, 'unknown']);
    expect((await api('GET', `${R}/pulls/${conflicted.number}`)).body.mergeable_state).toBe(
      'dirty',
    );
  });

  it('rebase-merges by replaying each commit', async () => {
    const alice = sandbox.as('alice');
    const pr = alice.openPullRequest('acme/app', {
      head: 'rb',
      title: 'Rebase me',
      files: { 'r1.txt': '1\n' },
    });
    alice.pushCommit('acme/app', { branch: 'rb', files: { 'r2.txt': '2\n' }, message: 'second' });
    const base = (await api('GET', `${R}/git/ref/heads/main`)).body.object.sha;
    const merged = await api('PUT', `${R}/pulls/${pr.number}/merge`, { merge_method: 'rebase' });
    const tip = (await api('GET', `${R}/git/commits/${merged.body.sha}`)).body;
    const parent = (await api('GET', `${R}/git/commits/${tip.parents[0].sha}`)).body;
    expect([tip.message, parent.message, parent.parents[0].sha]).toEqual([
      'second',
      'Rebase me',
      base,
    ]);
  });

  it('enforces GitHub’s limits on requested_action buttons and check run fields', async () => {
    const head = (await api('GET', `${R}/git/ref/heads/main`)).body.object.sha;
    const action = { label: 'Proceed', description: 'Merge it', identifier: 'proceed' };
    const cases: { body: Record<string, unknown>; status: number }[] = [
      { body: { actions: [action, action, action] }, status: 201 },
      { body: { actions: [action, action, action, action] }, status: 422 },
      { body: { actions: [{ ...action, label: 'x'.repeat(21) }] }, status: 422 },
      { body: { actions: [{ ...action, description: 'x'.repeat(41) }] }, status: 422 },
      { body: { actions: [{ ...action, identifier: 'x'.repeat(21) }] }, status: 422 },
      { body: { status: 'completed' }, status: 422 },
      { body: { conclusion: 'bogus' }, status: 422 },
      { body: { head_sha: 'b'.repeat(40) }, status: 422 },
    ];
    const got = [];
    for (const c of cases)
      got.push({
        ...c,
        status: (
          await api('POST', `${R}/check-runs`, { name: 'ko/gate', head_sha: head, ...c.body })
        ).status,
      });
    expect(got).toEqual(cases);
  });

  it('pages lists with a Link header, labels and reactions like GitHub', async () => {
    const pr = sandbox
      .as('bob')
      .openPullRequest('acme/app', { head: 'pg', title: 'Paging', files: { 'p.txt': 'p\n' } });
    for (const body of ['one', 'two', 'three'])
      await api('POST', `${R}/issues/${pr.number}/comments`, { body });
    const page1 = await api('GET', `${R}/issues/${pr.number}/comments?per_page=2`);
    expect(page1.body.map((c: { body: string }) => c.body)).toEqual(['one', 'two']);
    expect(page1.headers.get('link')).toMatch(/page=2>; rel="next", <.*page=2>; rel="last"/);
    const page2 = await api('GET', `${R}/issues/${pr.number}/comments?per_page=2&page=2`);
    expect(page2.body).toHaveLength(1);

    const comment = page1.body[0].id;
    expect(
      (await api('POST', `${R}/issues/comments/${comment}/reactions`, { content: 'eyes' })).status,
    ).toBe(201);
    expect(
      (await api('POST', `${R}/issues/comments/${comment}/reactions`, { content: 'eyes' })).status,
    ).toBe(200);
    expect(
      (await api('POST', `${R}/issues/comments/${comment}/reactions`, { content: 'wave' })).status,
    ).toBe(422);
    expect((await api('GET', `${R}/issues/comments/${comment}`)).body.reactions.eyes).toBe(1);

    expect(
      (await api('POST', `${R}/issues/${pr.number}/labels`, { labels: ['ko:dry-run'] })).body.map(
        (l: { name: string }) => l.name,
      ),
    ).toEqual(['ko:dry-run']);
    expect((await api('DELETE', `${R}/issues/${pr.number}/labels/ko:dry-run`)).status).toBe(200);
    expect((await api('DELETE', `${R}/issues/${pr.number}/labels/ko:dry-run`)).status).toBe(404);
    await receiver.waitFor((h) => h.event === 'pull_request' && h.payload.action === 'unlabeled');

    sandbox.as('bob').editComment('acme/app', comment, 'one (edited)');
    const edited = await receiver.waitFor(
      (h) => h.event === 'issue_comment' && h.payload.action === 'edited',
    );
    expect(edited.payload.changes).toEqual({ body: { from: 'one' } });
    expect(
      (await api('POST', `${R}/issues/${pr.number}/comments`, { body: 'x'.repeat(65537) })).status,
    ).toBe(422);
  });

  it('filters pull request lists by state, head and base', async () => {
    const titles = async (q: string): Promise<string[]> =>
      (await api('GET', `${R}/pulls?${q}`)).body.map((p: { title: string }) => p.title);
    expect(await titles('head=acme:pg')).toEqual(['Paging']);
    expect(await titles('state=closed&direction=asc')).toEqual(['C2', 'Rebase me']);
    expect((await titles('state=all&base=main')).length).toBeGreaterThanOrEqual(5);
    expect((await api('GET', `${R}/pulls?state=nope`)).status).toBe(422);
  });

  it('reverts a merged PR through GraphQL revertPullRequest: a revert branch and PR with the inverse change', async () => {
    const octokit = installationOctokit(sandbox, 'acme', { throttle: { enabled: false } });
    const pr = sandbox.as('alice').openPullRequest('acme/app', {
      head: 'to-revert',
      title: 'Add r.txt',
      files: { 'docs/a.md': 'changed\n' },
    });
    await octokit.rest.pulls.merge({
      owner: 'acme',
      repo: 'app',
      pull_number: pr.number,
      merge_method: 'squash',
    });
    expect(sandbox.readFile('acme/app', 'docs/a.md')).toBe('changed\n');
    const { data: shaped } = await octokit.rest.pulls.get({
      owner: 'acme',
      repo: 'app',
      pull_number: pr.number,
    });
    const result = await octokit.graphql<{
      revertPullRequest: { revertPullRequest: { number: number; headRefName: string } };
    }>(
      'mutation($input: RevertPullRequestInput!) { revertPullRequest(input: $input) { revertPullRequest { number headRefName } } }',
      { input: { pullRequestId: shaped.node_id } },
    );
    const revert = result.revertPullRequest.revertPullRequest;
    expect(revert.headRefName).toBe(`revert-${pr.number}-to-revert`);
    await octokit.rest.pulls.merge({
      owner: 'acme',
      repo: 'app',
      pull_number: revert.number,
      merge_method: 'squash',
    });
    expect(sandbox.readFile('acme/app', 'docs/a.md')).toBe('a\n');
    await expect(octokit.graphql('query { viewer { login } }')).rejects.toThrow(
      /only implements the revertPullRequest/,
    );
  });

  it('answers the control API over HTTP for a stand-in in another process', async () => {
    const post = (path: string, args: unknown[]): Promise<Response> =>
      fetch(`${sandbox.url}/_sandbox${path}`, { method: 'POST', body: JSON.stringify({ args }) });
    expect((await post('/setPermission', ['acme/app', 'carol', 'admin'])).status).toBe(200);
    expect((await api('GET', `${R}/collaborators/carol/permission`)).body.permission).toBe('admin');
    expect((await api('GET', `${R}/collaborators/nobody-known/permission`)).status).toBe(404);
    const res = await post('/as/carol/comment', ['acme/app', 1, '/ko status']);
    expect(((await res.json()) as { result: number }).result).toBeGreaterThan(0);
    await receiver.waitFor(
      (h) =>
        h.event === 'issue_comment' &&
        (h.payload.comment as { body: string }).body === '/ko status',
    );
    expect((await post('/noSuchThing', [])).status).toBe(404);
  });

  it('keeps its state in a snapshot file across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ko-sandbox-'));
    try {
      const file = join(dir, 'state.json');
      const first = await startGitHubSandbox({ appId: 5, snapshotFile: file });
      first.seedRepo({ repo: 'keep/me', files: { 'a.txt': 'kept\n' } });
      first
        .as('dora')
        .openPullRequest('keep/me', { head: 'x', title: 'Kept PR', files: { 'b.txt': 'b\n' } });
      await first.stop();
      const second = await startGitHubSandbox({ appId: 5, snapshotFile: file });
      try {
        expect(second.readFile('keep/me', 'a.txt')).toBe('kept\n');
        expect(second.getPullRequest('keep/me', 1).title).toBe('Kept PR');
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
