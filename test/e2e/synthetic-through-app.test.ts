// Issue 5's done-when, through the real app rather than the engine alone: KO's app (startApp, with
// its webhook handlers, delivery queue, store and audit log) against the GitHub stand-in runs the
// synthetic workflow twice in a row from its own schedule; and the app as a child process,
// SIGKILLed while a run waits for slow checks, is started again on the same data dir and finishes
// the run from its recorded step, with one PR, one merge and one story in `ko trace`.
import { execa } from 'execa';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../src/github/delivery-ledger.ts';
import { loadRepoConfig } from '../../src/config/repo-config/load-repo-config.ts';
import { freePort, sandboxAppEnv, startAppOnSandbox } from '../../src/demo/start-app-on-sandbox.ts';
import { startGitHubSandbox, type GitHubSandbox } from '../../src/sandbox/index.ts';
import { SYNTHETIC_LABEL } from '../../src/github/pull-request-handler.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { createWorkflowEngine } from '../../src/workflow/workflow-engine.ts';
import type { WorkflowRun } from '../../src/workflow/workflow-types.ts';
import { defaultBranchCommits, pollUntil, rootFileAt, syntheticPulls } from './sandbox-history.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = 'synthetic-through-app-secret';
const ENDED = ['merged', 'planned', 'failed', 'aborted', 'conflict', 'withdrawn'];

/** Apply mode, `build` required, synthetic auto-approved; with `scheduled`, on a one-minute cron. */
function koYml(scheduled: boolean): string {
  return stringify({
    mode: 'apply',
    approval: { required: true, auto_approve_synthetic: true },
    checks: { required: ['build'], timeout_minutes: 5 },
    ...(scheduled ? { synthetic: { enabled: true, cron: '* * * * *' } } : {}),
  });
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sandboxWith(
  repo: string,
  ciDelayMs: number,
  scheduled = false,
): Promise<GitHubSandbox> {
  const sandbox = await startGitHubSandbox({ webhookSecret: SECRET });
  cleanups.push(() => sandbox.stop());
  sandbox.seedRepo({
    repo,
    files: { 'README.md': '# app\n', '.github/ko.yml': koYml(scheduled) },
    ci: { checks: [{ name: 'build', outcome: 'success', delayMs: ciDelayMs }] },
    requiredChecks: ['build'],
  });
  return sandbox;
}

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The workflow runs in a data dir's experience.json (as another process wrote it). */
function runsIn(dataDir: string): WorkflowRun[] {
  const file = join(dataDir, 'experience.json');
  if (!existsSync(file)) return [];
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as {
      data: { workflows?: Record<string, WorkflowRun> };
    };
    return Object.values(parsed.data.workflows ?? {});
  } catch {
    return []; // read between a crash and the recovery: look again
  }
}

/** What the stand-in shows for a merged synthetic run: its PR merged by exactly one commit. */
function expectMergedOnce(sandbox: GitHubSandbox, repo: string, runs: WorkflowRun[]): void {
  const pulls = syntheticPulls(sandbox, repo);
  expect(pulls.map((p) => p.number).sort()).toEqual(runs.map((r) => r.pr).sort());
  const commits = defaultBranchCommits(sandbox, repo);
  // One commit on the default branch per run, each the squash merge of that run's PR, in order.
  expect(commits.map((c) => c.sha)).toEqual(
    runs.map((r) => pulls.find((p) => p.number === r.pr)?.pull?.mergeCommitSha),
  );
  for (const [i, commit] of commits.entries()) {
    expect(commit.parents).toHaveLength(1);
    const before = rootFileAt(sandbox, repo, commit.parents[0] ?? '', 'README.md');
    const after = rootFileAt(sandbox, repo, commit.sha, 'README.md');
    expect(after).not.toBe(before);
    expect(after).toBe(`# app\nsynthetic run ${runs[i]?.id} at ${after?.split(' at ')[1]}`);
  }
  for (const pull of pulls) {
    expect(pull.state).toBe('closed');
    expect(pull.pull?.mergedAt).not.toBeNull();
  }
  const closed = sandbox
    .deliveries()
    .filter((d) => d.event === 'pull_request' && d.body.includes('"action":"closed"'));
  expect(closed).toHaveLength(runs.length);
}

describe('the synthetic workflow through the real app', () => {
  it('runs twice in a row from its own schedule, unattended, each to one merged PR', async () => {
    const REPO = 'acme/scheduled';
    const sandbox = await sandboxWith(REPO, 300, true);
    const dir = tempDir('ko-synthetic-app-');
    const logs: string[] = [];
    const logger = createLogger({
      service: 'ko-app',
      level: 'info',
      primary: { write: (line: string) => void logs.push(line) },
    });
    // ko.yml's cron is five-field (a minute at best); the app's scheduler fires every second
    // instead (croner's six-field form), re-reading the real ko.yml from the stand-in's default
    // branch before each fire as it always does. The test's budget: after two runs were started
    // the re-read says `enabled: false`, so the scheduler removes the job by its own rules.
    const FAST = '* * * * * *';
    const synthetic = (workflows: Record<string, unknown>): WorkflowRun[] =>
      (Object.values(workflows) as WorkflowRun[]).filter((r) => r.kind === 'synthetic');
    const app = await startAppOnSandbox({
      sandbox,
      dir,
      logger,
      deps: {
        tickIntervalMs: 500,
        createWorkflow: (deps) => {
          const engine = createWorkflowEngine({
            ...deps,
            readScheduledConfig: async () => {
              const config = loadRepoConfig(sandbox.readFile(REPO, '.github/ko.yml') ?? null);
              const enabled =
                config.synthetic.enabled &&
                synthetic((await deps.store.read()).workflows).length < 2;
              return {
                ok: true,
                config: { ...config, synthetic: { ...config.synthetic, enabled, cron: FAST } },
              };
            },
          });
          return {
            ...engine,
            startScheduler: (repos) =>
              engine.startScheduler(
                repos.map((r) => ({
                  ...r,
                  config: { ...r.config, synthetic: { ...r.config.synthetic, cron: FAST } },
                })),
              ),
          };
        },
      },
    });
    cleanups.push(() => app.stop());
    const store = app.github?.store;
    if (store === undefined) throw new Error('the app started without its GitHub services');
    const synthetics = async () => synthetic((await store.read()).workflows);

    await pollUntil(
      'two merged synthetic runs and none active',
      async () => {
        const runs = await synthetics();
        return runs.length >= 2 && runs.every((r) => ENDED.includes(r.state));
      },
      45_000,
    );
    await pollUntil(
      'the budget to remove the cron',
      () => app.workflow?.scheduledRepos().size === 0,
      5_000,
    );
    await sandbox.idle();
    await app.deliveries?.idle();

    const runs = (await synthetics()).sort((a, b) => a.started_at.localeCompare(b.started_at));
    expect(runs.map((r) => [r.trigger, r.state])).toEqual([
      ['cron', 'merged'],
      ['cron', 'merged'],
    ]);
    const [first, second] = runs;
    // In turn: one synthetic run per repository at a time.
    expect((second?.started_at ?? '') >= (first?.finished_at ?? 'z')).toBe(true);
    expectMergedOnce(sandbox, REPO, runs);
    // Lead times are recorded on the runs and in the run history.
    const history = (await store.read()).runs;
    for (const run of runs) {
      expect(run.lead_time_ms).toBeGreaterThan(0);
      expect(history.find((h) => h.id === run.id)).toMatchObject({ outcome: 'merged' });
    }
    // Each run's branch was cleaned up after its merge.
    expect(Object.keys(sandbox.state.repos[REPO]?.refs ?? {})).toEqual(['refs/heads/main']);
    expect(logs.some((l) => l.includes('"event":"workflow.unscheduled"'))).toBe(true);
  }, 60_000);
});

/** The app as `npm start` runs it: a child process whose log lines go to `logFile`. */
interface AppProcess {
  child: ChildProcess;
  logFile: string;
}

/**
 * Starts `src/main.ts` and resolves once it listens. Like a supervisor it starts it again while
 * the killed process's locks are not yet stale (they are taken over after 10 s).
 */
async function startAppProcess(env: NodeJS.ProcessEnv, logFile: string): Promise<AppProcess> {
  const deadline = Date.now() + 40_000;
  for (;;) {
    const fd = openSync(logFile, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env,
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    cleanups.push(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    const output = () => readFileSync(logFile, 'utf8');
    await pollUntil(
      'the app to listen or exit',
      () => output().includes('Listening on') || child.exitCode !== null,
      45_000,
    );
    if (child.exitCode === null) return { child, logFile };
    if (Date.now() > deadline) throw new Error(`the app did not start:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** No delivery in the app's ledger is received-but-not-started or running. */
function deliveriesQuiet(dataDir: string): boolean {
  try {
    const parsed = JSON.parse(readFileSync(join(dataDir, 'experience.json'), 'utf8')) as {
      data: { deliveries?: Record<string, DeliveryRecord> };
    };
    return Object.values(parsed.data.deliveries ?? {}).every(
      (d) => d.state === 'done' || d.state === 'failed',
    );
  } catch {
    return false;
  }
}

function botReplies(sandbox: GitHubSandbox, repo: string): string[] {
  return Object.values(sandbox.state.repos[repo]?.comments ?? {})
    .filter((c) => c.issueNumber === 1 && c.user.endsWith('[bot]'))
    .map((c) => c.body);
}

describe('an app restart mid-flow', () => {
  it('a run waiting for slow checks when the app is SIGKILLed finishes after a restart, once', async () => {
    const REPO = 'acme/restart';
    const sandbox = await sandboxWith(REPO, 6_000);
    sandbox.setPermission(REPO, 'alice', 'admin');
    const dir = tempDir('ko-synthetic-restart-');
    const dataDir = join(dir, 'data');
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...sandboxAppEnv(sandbox, { port, dataDir }),
      LOG_LEVEL: 'info',
    };
    delete env['PRIVATE_KEY_PATH'];
    sandbox.setWebhookTarget(`http://127.0.0.1:${port}/api/github/webhooks`);
    // A PR to comment on (its own webhooks are lost: no app listens yet).
    sandbox
      .as('alice')
      .openPullRequest(REPO, { head: 'feature', title: 'Feature', files: { 'f.txt': 'f\n' } });
    await sandbox.idle();

    const first = await startAppProcess(env, join(dir, 'app-1.jsonl'));
    // The five-field cron cannot fire within this test: a comment starts the run instead.
    sandbox.as('alice').comment(REPO, 1, '/ko synthetic --apply');
    await pollUntil(
      'the synthetic run to wait for its checks',
      () => runsIn(dataDir).some((r) => r.state === 'waiting_checks'),
      30_000,
    );
    // ... and every delivery so far to be handled (the reply to the comment too), so the kill
    // hits the waiting run only, not a handler half-way (delivery-crash.test.ts covers that).
    await pollUntil(
      'the reply to /ko synthetic and a quiet delivery ledger',
      () => botReplies(sandbox, REPO).length === 1 && deliveriesQuiet(dataDir),
      15_000,
    );
    const [waiting] = runsIn(dataDir);
    expect(waiting).toMatchObject({
      kind: 'synthetic',
      trigger: 'comment',
      state: 'waiting_checks',
      step: 'checks',
    });
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const atKill = defaultBranchCommits(sandbox, REPO).length;

    const second = await startAppProcess(env, join(dir, 'app-2.jsonl'));
    await pollUntil(
      'the run to end after the restart',
      () => runsIn(dataDir).every((r) => ENDED.includes(r.state)),
      40_000,
    );
    second.child.kill('SIGTERM');
    await new Promise((resolve) => second.child.once('exit', resolve));

    const runs = runsIn(dataDir);
    expect(runs).toHaveLength(1);
    const [run] = runs;
    expect(run).toMatchObject({ id: waiting?.id, state: 'merged', pr: waiting?.pr });
    expect(run?.lead_time_ms).toBeGreaterThan(0);
    expect(atKill).toBe(0);
    expectMergedOnce(sandbox, REPO, runs);
    expect(botReplies(sandbox, REPO)).toHaveLength(1);
    const secondLog = readFileSync(second.logFile, 'utf8');
    expect(secondLog).toContain(`"event":"workflow.resume","runs":["${run?.id}"]`);

    // `ko trace` tells the story in order, across both processes' logs and the one audit log.
    const trace = await execa(
      process.execPath,
      [
        'bin/ko.js',
        'trace',
        run?.trace_id ?? '',
        '--data-dir',
        dataDir,
        '--log',
        first.logFile,
        '--log',
        second.logFile,
      ],
      { cwd: root, reject: false },
    );
    expect(trace.exitCode).toBe(0);
    expect(trace.stdout).not.toContain('delivery.interrupted');
    const lines = trace.stdout.split('\n').filter((l) => l.trim() !== '');
    const steps = lines
      .filter((l) => l.includes(' audit #') && l.includes(` ${run?.id} `))
      .map((l) => /workflow\.(\S+)/.exec(l)?.[1])
      .filter((step, i, list) => step !== list[i - 1]);
    expect(steps).toEqual([
      'synthetic.start',
      'plan',
      'branch',
      'pr',
      'checks',
      'gate',
      'merge',
      'record',
    ]);
    const times = lines.map((l) => l.slice(0, 24));
    expect([...times].sort()).toEqual(times);
    // Each process logged part of this run under its trace.
    for (const file of [first.logFile, second.logFile]) {
      expect(readFileSync(file, 'utf8')).toContain(`"trace_id":"${run?.trace_id}"`);
    }
  }, 90_000);
});

describe('the synthetic workflow started by a label toggle', () => {
  it('each time an admin adds ko:synthetic to a PR, KO takes it off and runs one synthetic merge', async () => {
    const REPO = 'acme/labels';
    const sandbox = await sandboxWith(REPO, 200);
    sandbox.setPermission(REPO, 'alice', 'admin');
    sandbox.setPermission(REPO, 'bob', 'write');
    const dir = tempDir('ko-synthetic-label-');
    const logger = createLogger({
      service: 'ko-app',
      level: 'warn',
      primary: { write: () => true },
    });
    const app = await startAppOnSandbox({ sandbox, dir, logger, deps: { tickIntervalMs: 500 } });
    cleanups.push(() => app.stop());
    const store = app.github?.store;
    if (store === undefined) throw new Error('the app started without its GitHub services');
    const runs = async () =>
      (Object.values((await store.read()).workflows) as WorkflowRun[]).sort((a, b) =>
        a.started_at.localeCompare(b.started_at),
      );
    sandbox
      .as('alice')
      .openPullRequest(REPO, { head: 'feature', title: 'Feature', files: { 'f.txt': 'f\n' } });
    const labels = () => sandbox.state.repos[REPO]?.issues['1']?.labels ?? [];

    // Bob may write, but a synthetic run in apply mode needs admin: refused, said on the PR.
    sandbox.as('bob').addLabel(REPO, 1, SYNTHETIC_LABEL);
    await pollUntil('the refusal', () => botReplies(sandbox, REPO).length === 1, 15_000);
    expect(botReplies(sandbox, REPO)[0]).toContain(
      `\`${SYNTHETIC_LABEL}\` label cannot start a synthetic run`,
    );
    expect(await runs()).toEqual([]);
    sandbox.as('bob').removeLabel(REPO, 1, SYNTHETIC_LABEL);

    for (const round of [1, 2]) {
      sandbox.as('alice').addLabel(REPO, 1, SYNTHETIC_LABEL);
      await pollUntil(
        `synthetic run ${round} to end`,
        async () => {
          const all = await runs();
          return all.length === round && all.every((r) => ENDED.includes(r.state));
        },
        30_000,
      );
      // Toggled back off by KO, ready for the next toggle.
      await pollUntil('KO to take the label off', () => !labels().includes(SYNTHETIC_LABEL), 5_000);
    }
    await sandbox.idle();
    await app.deliveries?.idle();
    const all = await runs();
    expect(all.map((r) => [r.kind, r.trigger, r.requested_by, r.state])).toEqual([
      ['synthetic', 'label', 'alice', 'merged'],
      ['synthetic', 'label', 'alice', 'merged'],
    ]);
    expectMergedOnce(sandbox, REPO, all);
    // KO's own removals (unlabeled, sent by the app) started nothing and replied nothing.
    expect(botReplies(sandbox, REPO)).toHaveLength(1);
  }, 60_000);
});
