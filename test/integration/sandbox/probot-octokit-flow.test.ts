import { ProbotOctokit } from 'probot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubSandbox, type GitHubSandbox } from '../../../src/sandbox/index.ts';
import { generateAppKey, startReceiver, type HookReceiver } from './helpers.ts';

const SECRET = 'flow-secret';
const APP_ID = 4242;
const REPO = { owner: 'acme', repo: 'widgets' };

describe('the stand-in driven by Probot’s own Octokit (as a GitHub Enterprise Server)', () => {
  let sandbox: GitHubSandbox;
  let receiver: HookReceiver;
  const privateKey = generateAppKey();
  // Throttling spaces writes a second apart (GitHub's advice); the faults test keeps it on.
  // Response and webhook shapes are validated in schema-coverage.test.ts.
  const throttle = { enabled: false };

  function appOctokit(): InstanceType<typeof ProbotOctokit> {
    const octokit = new ProbotOctokit({
      auth: { appId: APP_ID, privateKey },
      baseUrl: sandbox.apiUrl,
      throttle,
    });
    return octokit;
  }

  beforeAll(async () => {
    receiver = await startReceiver(SECRET);
    sandbox = await startGitHubSandbox({
      appId: APP_ID,
      privateKeyPem: privateKey,
      webhookUrl: receiver.url,
      webhookSecret: SECRET,
    });
    sandbox.seedRepo({
      repo: 'acme/widgets',
      files: { 'README.md': '# widgets\n', 'src/index.ts': 'export {};\n' },
      ci: {
        checks: [
          { name: 'build', outcome: 'success', delayMs: 1000 },
          { name: 'lint', outcome: 'success', delayMs: 1200, kind: 'status' },
        ],
      },
      requiredChecks: ['build', 'lint'],
    });
  });

  afterAll(async () => {
    await sandbox?.stop();
    await receiver?.close();
  });

  it('authenticates as the app, changes README on a branch, waits for CI, adds a gate and squash-merges', async () => {
    const app = appOctokit();
    const me = await app.rest.apps.getAuthenticated();
    expect(me.data?.id).toBe(APP_ID);
    const installs = await app.rest.apps.listInstallations();
    expect(installs.data.map((i) => i.account?.login)).toEqual(['acme']);
    const { data: inst } = await app.rest.apps.getRepoInstallation(REPO);
    const { data: tokenData } = await app.rest.apps.createInstallationAccessToken({
      installation_id: inst.id,
    });
    expect(tokenData.token).toMatch(/^ghs_/);

    const octokit = new ProbotOctokit({
      auth: { token: tokenData.token },
      baseUrl: sandbox.apiUrl,
      throttle,
    });
    const { data: repo } = await octokit.rest.repos.get(REPO);
    expect(repo.default_branch).toBe('main');

    // git data: blob → tree on base_tree → commit with parent → ref
    const { data: mainRef } = await octokit.rest.git.getRef({ ...REPO, ref: 'heads/main' });
    const { data: baseCommit } = await octokit.rest.git.getCommit({
      ...REPO,
      commit_sha: mainRef.object.sha,
    });
    const { data: blob } = await octokit.rest.git.createBlob({
      ...REPO,
      content: Buffer.from('# widgets\n\nsynthetic change\n').toString('base64'),
      encoding: 'base64',
    });
    const { data: tree } = await octokit.rest.git.createTree({
      ...REPO,
      base_tree: baseCommit.tree.sha,
      tree: [{ path: 'README.md', mode: '100644', type: 'blob', sha: blob.sha }],
    });
    expect(tree.tree.map((e) => e.path).sort()).toEqual(['README.md', 'src']);
    const { data: commit } = await octokit.rest.git.createCommit({
      ...REPO,
      message: 'docs: synthetic change',
      tree: tree.sha,
      parents: [mainRef.object.sha],
    });
    await octokit.rest.git.createRef({
      ...REPO,
      ref: 'refs/heads/ko/synthetic-1',
      sha: commit.sha,
    });
    const { data: branchRef } = await octokit.rest.git.getRef({
      ...REPO,
      ref: 'heads/ko/synthetic-1',
    });
    expect(branchRef.object.sha).toBe(commit.sha);

    const { data: pr } = await octokit.rest.pulls.create({
      ...REPO,
      head: 'ko/synthetic-1',
      base: 'main',
      title: 'Synthetic change',
      body: 'made by the test',
    });
    expect(pr.number).toBe(1);
    // Before CI finishes (its checks take a second), required checks hold the merge back.
    const { data: early } = await octokit.rest.pulls.get({ ...REPO, pull_number: pr.number });
    expect(early.mergeable_state).toBe('blocked');
    const opened = await receiver.waitFor(
      (h) => h.event === 'pull_request' && h.payload.action === 'opened',
    );
    expect(opened.signatureValid).toBe(true);

    await sandbox.idle();
    const { data: runs } = await octokit.rest.checks.listForRef({ ...REPO, ref: commit.sha });
    const build = runs.check_runs.find((r) => r.name === 'build');
    expect(build?.conclusion).toBe('success');
    const { data: combined } = await octokit.rest.repos.getCombinedStatusForRef({
      ...REPO,
      ref: commit.sha,
    });
    expect(combined.state).toBe('success');
    const { data: suites } = await octokit.rest.checks.listSuitesForRef({
      ...REPO,
      ref: commit.sha,
    });
    expect(
      suites.check_suites.some((s) => s.app?.slug === 'sandbox-ci' && s.conclusion === 'success'),
    ).toBe(true);

    const { data: gate } = await octokit.rest.checks.create({
      ...REPO,
      name: 'ko/gate',
      head_sha: commit.sha,
      status: 'in_progress',
      output: { title: 'Waiting for approval', summary: 'Proceed or abort' },
      actions: [
        { label: 'Proceed', description: 'Merge this change', identifier: 'ko-proceed' },
        { label: 'Abort', description: 'Stop the workflow', identifier: 'ko-abort' },
      ],
    });
    sandbox.setPermission('acme/widgets', 'bob', 'write');
    sandbox.clickCheckRunAction(gate.id, 'ko-proceed', 'bob');
    const clicked = await receiver.waitFor(
      (h) => h.event === 'check_run' && h.payload.action === 'requested_action',
    );
    expect(clicked.payload.requested_action).toEqual({ identifier: 'ko-proceed' });
    expect((clicked.payload.sender as { login: string }).login).toBe('bob');
    const { data: perm } = await octokit.rest.repos.getCollaboratorPermissionLevel({
      ...REPO,
      username: 'bob',
    });
    expect(perm.permission).toBe('write');
    await octokit.rest.checks.update({
      ...REPO,
      check_run_id: gate.id,
      status: 'completed',
      conclusion: 'success',
    });

    const { data: ready } = await octokit.rest.pulls.get({ ...REPO, pull_number: pr.number });
    expect([ready.mergeable, ready.mergeable_state]).toEqual([true, 'clean']);
    await octokit.rest.issues.addLabels({ ...REPO, issue_number: pr.number, labels: ['ko:merge'] });
    const { data: comment } = await octokit.rest.issues.createComment({
      ...REPO,
      issue_number: pr.number,
      body: 'merging',
    });
    await octokit.rest.reactions.createForIssueComment({
      ...REPO,
      comment_id: comment.id,
      content: 'rocket',
    });

    const { data: merged } = await octokit.rest.pulls.merge({
      ...REPO,
      pull_number: pr.number,
      merge_method: 'squash',
      sha: commit.sha,
    });
    expect(merged.merged).toBe(true);
    const { data: readme } = await octokit.rest.repos.getContent({ ...REPO, path: 'README.md' });
    expect('content' in readme && Buffer.from(readme.content, 'base64').toString('utf8')).toBe(
      '# widgets\n\nsynthetic change\n',
    );
    const { data: squash } = await octokit.rest.git.getCommit({ ...REPO, commit_sha: merged.sha });
    expect(squash.parents.map((p) => p.sha)).toEqual([mainRef.object.sha]);
    expect(squash.message.split('\n')[0]).toBe('Synthetic change (#1)');

    const closed = await receiver.waitFor(
      (h) => h.event === 'pull_request' && h.payload.action === 'closed',
    );
    expect((closed.payload.pull_request as { merged: boolean }).merged).toBe(true);
    await sandbox.idle();
    expect(
      receiver.received.every(
        (h) => h.signatureValid && h.userAgent.startsWith('GitHub-Hookshot/') && h.hookId === '1',
      ),
    ).toBe(true);
    const kinds = new Set(receiver.received.map((h) => `${h.event}.${String(h.payload.action)}`));
    for (const k of [
      'installation.created',
      'pull_request.opened',
      'check_suite.requested',
      'check_run.created',
      'check_run.completed',
      'check_suite.completed',
      'label.created',
      'pull_request.labeled',
      'issue_comment.created',
      'pull_request.closed',
    ]) {
      expect(kinds).toContain(k);
    }
  });
});
