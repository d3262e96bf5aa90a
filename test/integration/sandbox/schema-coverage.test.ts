import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubSandbox, type GitHubSandbox } from '../../../src/sandbox/index.ts';
import { appOctokit, installationOctokit, startReceiver, type HookReceiver } from './helpers.ts';
import { OpenApiValidator, WebhookValidator } from './openapi-validator.ts';

const SECRET = 'coverage-secret';
const REPO = { owner: 'acme', repo: 'cover' };

interface Seen {
  method: string;
  template: string;
  status: number;
  body: unknown;
}

/** Every event/action the stand-in can emit; the test makes each happen at least once. */
const EMITTED = [
  'installation.created',
  'label.created',
  'pull_request.opened',
  'pull_request.synchronize',
  'pull_request.edited',
  'pull_request.labeled',
  'pull_request.unlabeled',
  'pull_request.closed',
  'pull_request.reopened',
  'issue_comment.created',
  'issue_comment.edited',
  'check_suite.requested',
  'check_suite.completed',
  'check_run.created',
  'check_run.completed',
  'check_run.requested_action',
  'push',
];

describe('every implemented operation and every emitted webhook fits GitHub’s published schemas', () => {
  let sandbox: GitHubSandbox;
  let receiver: HookReceiver;
  const seen: Seen[] = [];

  type Kit = ReturnType<typeof appOctokit>;
  function record(octokit: Kit): Kit {
    octokit.hook.after('request', (response, options) => {
      seen.push({
        method: String(options.method),
        template: String(options.url),
        status: response.status,
        body: response.data,
      });
    });
    octokit.hook.error('request', (error, options) => {
      const response = (error as { response?: { status: number; data: unknown } }).response;
      if (response)
        seen.push({
          method: String(options.method),
          template: String(options.url),
          status: response.status,
          body: response.data,
        });
      throw error;
    });
    return octokit;
  }

  beforeAll(async () => {
    receiver = await startReceiver(SECRET);
    sandbox = await startGitHubSandbox({
      appId: 77,
      webhookUrl: receiver.url,
      webhookSecret: SECRET,
    });
    sandbox.seedRepo({
      repo: 'acme/cover',
      files: { 'README.md': 'cover\n', 'lib/x.ts': 'x\n' },
      ci: { checks: [{ name: 'build', outcome: 'failure', delayMs: 10 }] },
    });
  });

  afterAll(async () => {
    await sandbox?.stop();
    await receiver?.close();
  });

  it('walks the API', async () => {
    const throttle = { enabled: false };
    const app = record(appOctokit(sandbox, { throttle }));
    const kit = record(
      installationOctokit(sandbox, 'acme', { throttle, retry: { enabled: false } }),
    );

    await app.rest.apps.getAuthenticated();
    const [inst] = (await app.rest.apps.listInstallations()).data;
    await app.rest.apps.getInstallation({ installation_id: inst?.id ?? 0 });
    await app.rest.apps.getRepoInstallation(REPO);
    await app.rest.apps.createInstallationAccessToken({ installation_id: inst?.id ?? 0 });
    await kit.rest.apps.listReposAccessibleToInstallation();

    await kit.rest.repos.get(REPO);
    sandbox.setPermission('acme/cover', 'rita', 'read');
    await kit.rest.repos.getCollaboratorPermissionLevel({ ...REPO, username: 'rita' });
    const readme = (await kit.rest.repos.getContent({ ...REPO, path: 'README.md' })).data as {
      sha: string;
    };
    await kit.rest.repos.getContent({ ...REPO, path: 'lib' });
    await kit.rest.repos.createOrUpdateFileContents({
      ...REPO,
      path: 'README.md',
      message: 'm',
      content: Buffer.from('v2\n').toString('base64'),
      sha: readme.sha,
    });
    await kit.rest.repos.createOrUpdateFileContents({
      ...REPO,
      path: 'new.md',
      message: 'n',
      content: Buffer.from('n\n').toString('base64'),
    });

    const main = (await kit.rest.git.getRef({ ...REPO, ref: 'heads/main' })).data.object.sha;
    await kit.rest.git.listMatchingRefs({ ...REPO, ref: 'heads/' });
    const blob = (await kit.rest.git.createBlob({ ...REPO, content: 'hello', encoding: 'utf-8' }))
      .data;
    await kit.rest.git.getBlob({ ...REPO, file_sha: blob.sha });
    const base = (await kit.rest.git.getCommit({ ...REPO, commit_sha: main })).data;
    const tree = (
      await kit.rest.git.createTree({
        ...REPO,
        base_tree: base.tree.sha,
        tree: [{ path: 'lib/y.ts', mode: '100644', type: 'blob', content: 'y\n' }],
      })
    ).data;
    await kit.rest.git.getTree({ ...REPO, tree_sha: tree.sha, recursive: 'true' });
    const commit = (
      await kit.rest.git.createCommit({
        ...REPO,
        message: 'add y',
        tree: tree.sha,
        parents: [main],
      })
    ).data;
    await kit.rest.git.createRef({ ...REPO, ref: 'refs/heads/topic', sha: main });
    await kit.rest.git.updateRef({ ...REPO, ref: 'heads/topic', sha: commit.sha });
    await kit.rest.git.createRef({ ...REPO, ref: 'refs/heads/gone', sha: main });
    await kit.rest.git.deleteRef({ ...REPO, ref: 'heads/gone' });

    const pr = (
      await kit.rest.pulls.create({
        ...REPO,
        head: 'topic',
        base: 'main',
        title: 'Topic',
        body: 'b',
      })
    ).data;
    await kit.rest.pulls.update({ ...REPO, pull_number: pr.number, title: 'Topic (edited)' });
    await kit.rest.pulls.list({ ...REPO, state: 'all' });
    await kit.rest.pulls.listFiles({ ...REPO, pull_number: pr.number });
    await kit.rest.pulls.listCommits({ ...REPO, pull_number: pr.number });
    await kit.rest.pulls.checkIfMerged({ ...REPO, pull_number: pr.number }).catch(() => undefined);
    sandbox.as('alice').pushCommit('acme/cover', { branch: 'topic', files: { 'lib/z.ts': 'z\n' } });
    await sandbox.idle();

    await kit.rest.issues.get({ ...REPO, issue_number: pr.number });
    await kit.rest.issues.createLabel({
      ...REPO,
      name: 'ko:merge',
      color: '0e8a16',
      description: 'merge when green',
    });
    await kit.rest.issues.listLabelsForRepo(REPO);
    await kit.rest.issues.addLabels({
      ...REPO,
      issue_number: pr.number,
      labels: ['ko:merge', 'extra'],
    });
    await kit.rest.issues.setLabels({ ...REPO, issue_number: pr.number, labels: ['ko:merge'] });
    await kit.rest.issues.listLabelsOnIssue({ ...REPO, issue_number: pr.number });
    await kit.rest.issues.removeLabel({ ...REPO, issue_number: pr.number, name: 'ko:merge' });
    const comment = (
      await kit.rest.issues.createComment({ ...REPO, issue_number: pr.number, body: '/ko status' })
    ).data;
    await kit.rest.issues.updateComment({ ...REPO, comment_id: comment.id, body: '/ko help' });
    await kit.rest.issues.getComment({ ...REPO, comment_id: comment.id });
    await kit.rest.issues.listComments({ ...REPO, issue_number: pr.number });
    await kit.rest.reactions.createForIssueComment({
      ...REPO,
      comment_id: comment.id,
      content: '+1',
    });
    await kit.rest.reactions.listForIssueComment({ ...REPO, comment_id: comment.id });
    const eyes = (
      await kit.rest.reactions.createForIssueComment({
        ...REPO,
        comment_id: comment.id,
        content: 'eyes',
      })
    ).data;
    await kit.rest.reactions.deleteForIssueComment({
      ...REPO,
      comment_id: comment.id,
      reaction_id: eyes.id,
    });

    const head = (await kit.rest.pulls.get({ ...REPO, pull_number: pr.number })).data.head.sha;
    const run = (
      await kit.rest.checks.create({
        ...REPO,
        name: 'ko/gate',
        head_sha: head,
        actions: [{ label: 'Proceed', description: 'Go', identifier: 'proceed' }],
      })
    ).data;
    await kit.rest.checks.get({ ...REPO, check_run_id: run.id });
    sandbox.clickCheckRunAction(run.id, 'proceed', 'alice');
    await kit.rest.checks.update({
      ...REPO,
      check_run_id: run.id,
      conclusion: 'neutral',
      output: { title: 'done', summary: 'ok' },
    });
    await kit.rest.checks.listForRef({ ...REPO, ref: head });
    const suites = (await kit.rest.checks.listSuitesForRef({ ...REPO, ref: head })).data;
    await kit.rest.checks.getSuite({ ...REPO, check_suite_id: suites.check_suites[0]?.id ?? 0 });
    await kit.rest.checks.listForSuite({
      ...REPO,
      check_suite_id: suites.check_suites[0]?.id ?? 0,
    });
    await kit.rest.repos.createCommitStatus({
      ...REPO,
      sha: head,
      state: 'pending',
      context: 'ci/legacy',
    });
    await kit.rest.repos.getCombinedStatusForRef({ ...REPO, ref: head });
    await kit.rest.repos.listCommitStatusesForRef({ ...REPO, ref: head });

    await kit.rest.pulls.update({ ...REPO, pull_number: pr.number, state: 'closed' });
    await kit.rest.pulls.update({ ...REPO, pull_number: pr.number, state: 'open' });
    await kit.rest.pulls
      .merge({ ...REPO, pull_number: pr.number, merge_method: 'squash', sha: 'f'.repeat(40) })
      .catch(() => undefined);
    await kit.rest.pulls.merge({ ...REPO, pull_number: pr.number, merge_method: 'squash' });
    await kit.rest.pulls.merge({ ...REPO, pull_number: pr.number }).catch(() => undefined);
    await kit.rest.pulls.get({ ...REPO, pull_number: 999 }).catch(() => undefined);
    await kit.rest.issues
      .createComment({ ...REPO, issue_number: pr.number, body: '' })
      .catch(() => undefined);

    await sandbox.idle();
    const deliveries = (await app.rest.apps.listWebhookDeliveries()).data;
    await app.rest.apps.getWebhookDelivery({ delivery_id: deliveries[0]?.id ?? 0 });
    await app.rest.apps.redeliverWebhookDelivery({ delivery_id: deliveries[0]?.id ?? 0 });
    await sandbox.idle();

    const statuses = new Set(seen.map((s) => s.status));
    for (const status of [200, 201, 202, 204, 404, 405, 409, 422])
      expect(statuses).toContain(status);
    expect(new Set(seen.map((s) => `${s.method} ${s.template}`)).size).toBeGreaterThanOrEqual(45);
  });

  it('answered every call, errors included, with bodies that fit the OpenAPI description', () => {
    const validator = new OpenApiValidator();
    const errors = seen.flatMap((s) => validator.check(s.method, s.template, s.status, s.body));
    expect(errors).toEqual([]);
    // The validator itself can fail: a pull request without its number does not pass.
    const pr = seen.find(
      (s) => s.method === 'POST' && s.template === '/repos/{owner}/{repo}/pulls',
    );
    const { number: _n, ...broken } = pr?.body as Record<string, unknown>;
    expect(validator.check('POST', '/repos/{owner}/{repo}/pulls', 201, broken).join()).toContain(
      "required property 'number'",
    );
  });

  it('emitted every event it models, each fitting its webhook schema', () => {
    const kinds = new Set(
      receiver.received.map((h) =>
        h.payload.action === undefined ? h.event : `${h.event}.${String(h.payload.action)}`,
      ),
    );
    expect(EMITTED.filter((k) => !kinds.has(k))).toEqual([]);
    const validator = new WebhookValidator();
    const errors = receiver.received.flatMap((h) =>
      validator.check(h.event, h.payload.action, h.payload),
    );
    expect(errors).toEqual([]);
    const opened = receiver.received.find(
      (h) => h.event === 'pull_request' && h.payload.action === 'opened',
    );
    expect(
      validator.check('pull_request', 'opened', { ...opened?.payload, sender: undefined }).length,
    ).toBeGreaterThan(0);
  });
});
