import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeMiddleware, createProbot, type Probot } from 'probot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubSandbox, type GitHubSandbox } from '../../../src/sandbox/index.ts';

const SECRET = 'loop-secret';

async function until<T>(probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a real Probot app against the stand-in, configured through GHE_HOST/GHE_PROTOCOL', () => {
  let sandbox: GitHubSandbox;
  let server: Server;
  let probot: Probot;

  beforeAll(async () => {
    sandbox = await startGitHubSandbox({ appId: 31, webhookSecret: SECRET });
    probot = createProbot({
      env: {
        APP_ID: String(sandbox.appId),
        PRIVATE_KEY: sandbox.privateKeyPem,
        WEBHOOK_SECRET: SECRET,
        GHE_HOST: `127.0.0.1:${sandbox.port}`,
        GHE_PROTOCOL: 'http',
        LOG_LEVEL: 'fatal',
      },
    });
    const middleware = await createNodeMiddleware(
      (app) => {
        app.on('issue_comment.created', async (context) => {
          if (context.payload.comment.body === '/ko config') {
            const config = await context.config<{ mode: string }>('ko.yml');
            await context.octokit.rest.issues.createComment(
              context.issue({ body: `mode=${config?.mode ?? 'none'}` }),
            );
            return;
          }
          if (!context.payload.comment.body.startsWith('/ko ping')) return;
          await context.octokit.rest.reactions.createForIssueComment(
            context.repo({ comment_id: context.payload.comment.id, content: 'eyes' }),
          );
          await context.octokit.rest.issues.createComment(
            context.issue({ body: `pong for @${context.payload.sender.login}` }),
          );
        });
        app.on('check_run.requested_action', async (context) => {
          await context.octokit.rest.checks.update(
            context.repo({
              check_run_id: context.payload.check_run.id,
              status: 'completed' as const,
              conclusion:
                context.payload.requested_action?.identifier === 'proceed'
                  ? ('success' as const)
                  : ('cancelled' as const),
            }),
          );
        });
      },
      { probot },
    );
    server = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    sandbox.setWebhookTarget(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`,
    );
    sandbox.seedRepo({
      repo: 'acme/loop',
      files: { 'README.md': 'loop\n', '.github/ko.yml': 'mode: apply\n' },
    });
  });

  afterAll(async () => {
    await sandbox?.stop();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('receives a signed comment webhook and answers through its installation Octokit', async () => {
    sandbox
      .as('alice')
      .openPullRequest('acme/loop', { head: 'f', title: 'F', files: { 'f.txt': 'f\n' } });
    const id = sandbox.as('alice').comment('acme/loop', 1, '/ko ping');
    const repo = sandbox.state.repos['acme/loop'];
    const reply = await until(() =>
      Object.values(repo?.comments ?? {}).find((c) => c.body === 'pong for @alice'),
    );
    expect(reply.user).toBe('ko-sandbox[bot]');
    expect(repo?.comments[String(id)]?.reactions.map((r) => [r.user, r.content])).toEqual([
      ['ko-sandbox[bot]', 'eyes'],
    ]);
    expect(sandbox.deliveries().every((d) => d.statusCode === 200)).toBe(true);
  });

  it('reads .github/ko.yml through Probot’s context.config (raw media type)', async () => {
    sandbox.as('alice').comment('acme/loop', 1, '/ko config');
    const repo = sandbox.state.repos['acme/loop'];
    await until(() => Object.values(repo?.comments ?? {}).find((c) => c.body === 'mode=apply'));
  });

  it('completes its own check run when a person presses a requested_action button', async () => {
    const octokit = await probot.auth(sandbox.installationId('acme'));
    const head = sandbox.getPullRequest('acme/loop', 1).head as { sha: string };
    const { data: run } = await octokit.rest.checks.create({
      owner: 'acme',
      repo: 'loop',
      name: 'ko/gate',
      head_sha: head.sha,
      status: 'in_progress',
      actions: [{ label: 'Proceed', description: 'Go on', identifier: 'proceed' }],
    });
    sandbox.clickCheckRunAction(run.id, 'proceed', 'bob');
    const done = await until(() => {
      const r = sandbox.state.repos['acme/loop']?.checkRuns[String(run.id)];
      return r?.status === 'completed' ? r : undefined;
    });
    expect(done.conclusion).toBe('success');
  });
});
