// The real KO app (startApp) against the GitHub stand-in, with signed webhooks both ways.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppOnSandbox } from '../../../src/demo/start-app-on-sandbox.ts';
import { startGitHubSandbox, type GitHubSandbox } from '../../../src/sandbox/index.ts';
import type { CommentState } from '../../../src/sandbox/state.ts';
import type { StartAppDependencies, StartedApp } from '../../../src/start-app.ts';
import { createLogger } from '../../../src/telemetry/logger.ts';
import { spawnRunner, type RunnerProcess } from '../runner/runner-fixture.ts';

export const SECRET = 'github-integration-secret-77';
export const REPO = 'acme/app';
export const KO_YML = 'exec:\n  allowed_runner_labels: [ps7]\n';

export interface Stack {
  sandbox: GitHubSandbox;
  app: StartedApp;
  dir: string;
  logs: string[];
  stop(): Promise<void>;
}

/**
 * Starts the stand-in, then the KO app pointed at it (GHE_HOST), and seeds acme/app with a PR #1
 * opened by alice (admin of acme/app via setPermission), bob (write) and rita (read).
 */
export async function startStack(
  deps: StartAppDependencies = {},
  setup: { koYml?: string; ci?: boolean; env?: Record<string, string> } = {},
): Promise<Stack> {
  const sandbox = await startGitHubSandbox({ appId: 42, webhookSecret: SECRET });
  const dir = mkdtempSync(join(tmpdir(), 'ko-github-'));
  const logs: string[] = [];
  const logger = createLogger({
    service: 'ko-app',
    level: 'debug',
    primary: { write: (line: string) => void logs.push(line) },
  });
  const app = await startAppOnSandbox({
    sandbox,
    dir,
    logger,
    deps,
    env: setup.env,
  });
  sandbox.seedRepo({
    repo: REPO,
    files: { 'README.md': '# app\n', '.github/ko.yml': setup.koYml ?? KO_YML },
  });
  if (setup.ci)
    sandbox.setCi(REPO, { checks: [{ name: 'build', outcome: 'success', delayMs: 50 }] });
  sandbox.setPermission(REPO, 'alice', 'admin');
  sandbox.setPermission(REPO, 'bob', 'write');
  sandbox.setPermission(REPO, 'rita', 'read');
  sandbox
    .as('alice')
    .openPullRequest(REPO, { head: 'feature', title: 'Feature', files: { 'f.txt': 'f\n' } });
  await sandbox.idle();
  await app.deliveries?.idle();
  return {
    sandbox,
    app,
    dir,
    logs,
    async stop() {
      await app.stop(2_000);
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until the stand-in has sent every webhook and KO has handled every delivery, repeating
 * while handlers cause new webhooks (KO answers first and handles afterwards, so an answered
 * webhook says nothing about its effects).
 */
export async function settled(stack: Stack): Promise<void> {
  for (;;) {
    await stack.sandbox.idle();
    const before = stack.sandbox.deliveries().length;
    await stack.app.deliveries?.idle();
    await stack.sandbox.idle();
    if (stack.sandbox.deliveries().length === before) return;
  }
}

/** Polls until `probe` gives a value (a real process answers in its own time). */
export async function until<T>(probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** KO's comments on a PR, oldest first. */
export function botComments(stack: Stack, pr = 1): CommentState[] {
  const repo = stack.sandbox.state.repos[REPO];
  return Object.values(repo?.comments ?? {})
    .filter((c) => c.issueNumber === pr && c.user.endsWith('[bot]'))
    .sort((a, b) => a.id - b.id);
}

/** The reactions on one comment, as `user:content`. */
export function reactionsOf(stack: Stack, commentId: number): string[] {
  const comment = stack.sandbox.state.repos[REPO]?.comments[String(commentId)];
  return (comment?.reactions ?? []).map((r) => r.content);
}

/** Comments KO posted after comment `afterId`. */
export function repliesAfter(stack: Stack, afterId: number, pr = 1): CommentState[] {
  return botComments(stack, pr).filter((c) => c.id > afterId);
}

/**
 * Starts a real ko-runner process (labels `ps7`, root `<stack dir>/repo`) against the stack's hub
 * and waits until the hub sees it.
 *
 * @example const runner = await attachRunner(stack, ['--apply']);
 */
export async function attachRunner(stack: Stack, extra: string[] = []): Promise<RunnerProcess> {
  const hub = stack.app.hub!;
  const root = join(stack.dir, 'repo');
  mkdirSync(root, { recursive: true });
  const runner = spawnRunner({
    url: `ws://127.0.0.1:${stack.app.port}/ko/v1/runners`,
    token: (await hub.tokens.create({ name: 'ps7-runner', labels: ['ps7'] })).token,
    root,
    dataDir: join(stack.dir, 'runner'),
    ...(extra.length > 0 ? { extra } : {}),
  });
  await until(() => hub.runners().length === 1, 45_000);
  return runner;
}
