// A crash between the answer and the handler: the app runs as a child process (`src/main.ts`)
// against the stand-in, is killed with SIGKILL while one comment's handler is running and a second
// comment on the same PR waits behind it (answered 200, recorded, not started), and is started
// again. The waiting comment is answered exactly once; the half-done one is recorded as
// interrupted and not run again. Then a SIGTERM while a handler runs waits for it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../../src/github/delivery-ledger.ts';
import { startGitHubSandbox, type GitHubSandbox } from '../../../src/sandbox/index.ts';
import { freePort, sandboxAppEnv } from '../../../src/demo/start-app-on-sandbox.ts';
import { REPO, SECRET, until } from './github-fixture.ts';

const root = new URL('../../../', import.meta.url).pathname;
let sandbox: GitHubSandbox;
let dir: string;
let env: NodeJS.ProcessEnv;
const children: ChildProcess[] = [];

beforeAll(async () => {
  sandbox = await startGitHubSandbox({ appId: 43, webhookSecret: SECRET });
  dir = mkdtempSync(join(tmpdir(), 'ko-crash-'));
  const port = await freePort();
  env = {
    ...process.env,
    ...sandboxAppEnv(sandbox, { port, dataDir: join(dir, 'data') }),
    LOG_LEVEL: 'debug',
  };
  delete env['PRIVATE_KEY_PATH'];
  sandbox.setWebhookTarget(`http://127.0.0.1:${port}/api/github/webhooks`);
  sandbox.seedRepo({ repo: REPO, files: { 'README.md': '# app\n' } });
  sandbox.setPermission(REPO, 'bob', 'write');
  // No app listens yet: the PR's own webhooks are lost, which does not matter here.
  sandbox.as('bob').openPullRequest(REPO, { head: 'f', title: 'F', files: { 'f.txt': 'f\n' } });
  await sandbox.idle();
}, 30_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Starts `src/main.ts` and resolves once it listens. Like a supervisor, it starts it again while
 * the audit writer lock of a killed process is not yet stale (up to 10 s).
 */
async function startChild(): Promise<{ child: ChildProcess; output: () => string }> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await startChildOnce();
    } catch (error) {
      if (tries >= 10 || !String(error).includes('writing the audit log')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  }
}

async function startChildOnce(): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (piece: Buffer) => (output += piece.toString()));
  child.stderr?.on('data', (piece: Buffer) => (output += piece.toString()));
  await until(() => output.includes('Listening on') || child.exitCode !== null, 45_000);
  if (child.exitCode !== null) throw new Error(`the app exited early:\n${output}`);
  return { child, output: () => output };
}

function ledger(): Record<string, DeliveryRecord> {
  const file = JSON.parse(readFileSync(join(dir, 'data', 'experience.json'), 'utf8')) as {
    data: { deliveries?: Record<string, DeliveryRecord> };
  };
  return file.data.deliveries ?? {};
}

function guidOf(commentId: number): string | undefined {
  return sandbox
    .deliveries()
    .find((d) => d.event === 'issue_comment' && d.body.includes(`"id":${commentId},`))?.guid;
}

function botReplies(afterId: number): string[] {
  return Object.values(sandbox.state.repos[REPO]?.comments ?? {})
    .filter((c) => c.issueNumber === 1 && c.user.endsWith('[bot]') && c.id > afterId)
    .map((c) => c.body);
}

function reactions(commentId: number): string[] {
  const comment = sandbox.state.repos[REPO]?.comments[String(commentId)];
  return (comment?.reactions ?? []).map((r) => r.content);
}

describe('a crash between the answer and the handler', () => {
  it('the recorded comment is answered exactly once after the restart; the half-done one is recorded as interrupted', async () => {
    const first = await startChild();
    const stuck = sandbox.as('bob').comment(REPO, 1, '/ko help');
    // Its eyes reaction waits out a long secondary rate limit: the handler stays running.
    sandbox.secondaryRateLimit(1, {
      retryAfterSeconds: 60,
      match: new RegExp(`^POST /repos/acme/app/issues/comments/${stuck}/reactions$`),
    });
    const waiting = sandbox.as('bob').comment(REPO, 1, '/ko help status');
    await sandbox.idle();
    const stuckGuid = guidOf(stuck) ?? '';
    const waitingGuid = guidOf(waiting) ?? '';
    expect(sandbox.deliveries().filter((d) => d.event === 'issue_comment')).toHaveLength(2);
    expect(
      sandbox.deliveries().every((d) => d.event !== 'issue_comment' || d.statusCode === 200),
    ).toBe(true);
    await until(() => ledger()[stuckGuid]?.state === 'running');
    expect(ledger()[waitingGuid]).toMatchObject({ state: 'received', key: 'acme/app#1' });

    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    expect(botReplies(stuck)).toEqual([]);

    const second = await startChild();
    await until(() => ledger()[waitingGuid]?.state === 'done', 30_000);
    expect(botReplies(waiting)).toHaveLength(1);
    expect(botReplies(waiting)[0]).toContain('/ko status');
    expect(reactions(waiting)).toEqual(['eyes', 'rocket']);
    expect(ledger()[stuckGuid]).toMatchObject({
      state: 'failed',
      error: { code: 'DELIVERY_INTERRUPTED', retryable: false },
    });
    expect(second.output()).toContain('delivery interrupted by a stop or crash');
    // GitHub saw 200 for both: nothing for the redelivery poller to ask again.
    expect(
      sandbox.deliveries().filter((d) => d.statusCode !== 200 && d.event === 'issue_comment'),
    ).toEqual([]);

    // A graceful stop waits (bounded) for a running handler: this one finishes before the exit.
    const late = sandbox.as('bob').comment(REPO, 1, '/ko help plan');
    sandbox.secondaryRateLimit(1, {
      retryAfterSeconds: 2,
      match: new RegExp(`^POST /repos/acme/app/issues/comments/${late}/reactions$`),
    });
    await until(() => ledger()[guidOf(late) ?? '']?.state === 'running');
    second.child.kill('SIGTERM');
    const code = await new Promise((resolve) => second.child.once('exit', resolve));
    expect(code).toBe(0);
    expect(ledger()[guidOf(late) ?? '']?.state).toBe('done');
    expect(botReplies(late)).toHaveLength(1);
    expect(botReplies(waiting).filter((body) => body.includes('/ko status'))).toHaveLength(1);
  }, 120_000);
});
