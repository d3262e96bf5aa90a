import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  loadRepoConfig,
  parseRepoConfig,
  type RepoConfigResult,
} from '../../../src/config/repo-config/load-repo-config.ts';
import type { KoRepoConfig } from '../../../src/config/repo-config/types.ts';
import {
  startWorkflowScheduler,
  type ScheduledRepo,
  type WorkflowScheduler,
} from '../../../src/workflow/scheduler.ts';
import { koYml, startHarness, type Harness } from './workflow-harness.ts';

// Croner's six-field form: every second, to keep the tests short.
const EVERY_SECOND = '* * * * * *';
const EVERY_OTHER_SECOND = '*/2 * * * * *';

function config(synthetic: { enabled: boolean; cron: string }, mode = 'dry-run'): KoRepoConfig {
  const base = loadRepoConfig(`mode: ${mode}\n`);
  return { ...base, synthetic: { ...base.synthetic, ...synthetic } };
}

/** The schema wants five cron fields; the tests swap in croner's every-second form after validation. */
function everySecond(result: RepoConfigResult): RepoConfigResult {
  if (!result.ok) return result;
  return {
    ok: true,
    config: { ...result.config, synthetic: { ...result.config.synthetic, cron: EVERY_SECOND } },
  };
}

const repo = (name: string, c: KoRepoConfig): ScheduledRepo => ({
  installationId: 1,
  owner: 'acme',
  repo: name,
  config: c,
});

async function waitFor(probe: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the scheduler re-reads .github/ko.yml', () => {
  let scheduler: WorkflowScheduler | undefined;
  afterEach(async () => {
    await scheduler?.stop();
  });

  function start(repos: ScheduledRepo[], read: () => Promise<RepoConfigResult>) {
    const started: ScheduledRepo[] = [];
    const logs: Record<string, unknown>[] = [];
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => void logs.push(JSON.parse(line)) },
    );
    scheduler = startWorkflowScheduler({
      repos,
      reconcileEveryMs: 60_000,
      logger,
      startSynthetic: async (entry) => {
        started.push(entry);
      },
      tick: async () => undefined,
      readConfig: read,
    });
    return { started, logs, events: () => logs.map((l) => l['event']) };
  }

  it('starts each run with the config read at that fire (a new mode is used)', async () => {
    let mode = 'dry-run';
    const { started } = start(
      [repo('app', config({ enabled: true, cron: EVERY_SECOND }))],
      async () => ({
        ok: true,
        config: config({ enabled: true, cron: EVERY_SECOND }, mode),
      }),
    );
    mode = 'apply';
    await waitFor(() => started.length > 0);
    expect(started[0]?.config.mode).toBe('apply');
  });

  it('removes the cron when synthetic.enabled turns false, and starts nothing', async () => {
    const { started, events } = start(
      [repo('app', config({ enabled: true, cron: EVERY_SECOND }))],
      async () => ({
        ok: true,
        config: config({ enabled: false, cron: EVERY_SECOND }),
      }),
    );
    expect(scheduler?.jobs()).toEqual(new Map([['acme/app', EVERY_SECOND]]));
    await waitFor(() => events().includes('workflow.unscheduled'));
    expect(scheduler?.jobs().size).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(started).toEqual([]);
  });

  it('reschedules on a new pattern (that fire starts nothing), then runs on the new one', async () => {
    const { started, events } = start(
      [repo('app', config({ enabled: true, cron: EVERY_SECOND }))],
      async () => ({
        ok: true,
        config: config({ enabled: true, cron: EVERY_OTHER_SECOND }),
      }),
    );
    await waitFor(() => events().includes('workflow.rescheduled'));
    expect(started).toEqual([]);
    expect(scheduler?.jobs()).toEqual(new Map([['acme/app', EVERY_OTHER_SECOND]]));
    await waitFor(() => started.length > 0, 4_000);
    expect(started[0]?.config.synthetic.cron).toBe(EVERY_OTHER_SECOND);
  });

  it('never runs with an invalid config: logs it, keeps the last valid schedule, runs again once fixed', async () => {
    let text = 'synthetic:\n  enabled: true\nmode: yolo\n';
    const { started, logs, events } = start(
      [repo('app', config({ enabled: true, cron: EVERY_SECOND }))],
      async () => everySecond(parseRepoConfig(text)),
    );
    await waitFor(() => events().includes('workflow.config_invalid'));
    expect(started).toEqual([]);
    expect(scheduler?.jobs()).toEqual(new Map([['acme/app', EVERY_SECOND]]));
    expect(String(logs.find((l) => l['event'] === 'workflow.config_invalid')?.['msg'])).toContain(
      'mode',
    );
    text = 'synthetic:\n  enabled: true\n';
    await waitFor(() => started.length > 0);
  });

  it('skips a fire when the config cannot be read (GitHub down), and keeps the cron', async () => {
    const { started, events } = start(
      [repo('app', config({ enabled: true, cron: EVERY_SECOND }))],
      async () => {
        throw new Error('503');
      },
    );
    await waitFor(() => events().includes('workflow.config_unreadable'));
    expect(started).toEqual([]);
    expect(scheduler?.jobs().size).toBe(1);
  });

  it('refresh adds a repo that enabled the cron, and an invalid config changes nothing', async () => {
    let result: RepoConfigResult = {
      ok: true,
      config: config({ enabled: true, cron: '0 0 1 1 *' }),
    };
    start([], async () => result);
    expect(scheduler?.jobs().size).toBe(0);
    await scheduler?.refresh({ installationId: 1, owner: 'acme', repo: 'new' });
    expect(scheduler?.jobs()).toEqual(new Map([['acme/new', '0 0 1 1 *']]));
    result = parseRepoConfig('mode: yolo\n');
    await scheduler?.refresh({ installationId: 1, owner: 'acme', repo: 'new' });
    expect(scheduler?.jobs()).toEqual(new Map([['acme/new', '0 0 1 1 *']]));
  });
});

describe('engine.onRepoConfigPushed against the stand-in', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('reads .github/ko.yml from the default branch and follows it: enable, reschedule, disable', async () => {
    h = await startHarness({ config: koYml() });
    const { engine } = await h.startEngine();
    engine.startScheduler([]);
    const ref = { installationId: h.installationId, ...h.repo };
    await engine.onRepoConfigPushed(ref);
    expect(engine.scheduledRepos().size).toBe(0);
    h.sandbox.as('alice').pushCommit('acme/widgets', {
      branch: 'main',
      files: { '.github/ko.yml': koYml({ synthetic: { enabled: true, cron: '0 3 * * *' } }) },
    });
    await engine.onRepoConfigPushed(ref);
    expect(engine.scheduledRepos()).toEqual(new Map([['acme/widgets', '0 3 * * *']]));
    // A PR branch cannot change the schedule: only the default branch is read.
    h.sandbox.as('alice').pushCommit('acme/widgets', {
      branch: 'feature',
      files: { '.github/ko.yml': koYml({ synthetic: { enabled: true, cron: '* * * * *' } }) },
    });
    await engine.onRepoConfigPushed(ref);
    expect(engine.scheduledRepos()).toEqual(new Map([['acme/widgets', '0 3 * * *']]));
    h.sandbox.as('alice').pushCommit('acme/widgets', {
      branch: 'main',
      files: { '.github/ko.yml': koYml({ synthetic: { enabled: false } }) },
    });
    await engine.onRepoConfigPushed(ref);
    expect(engine.scheduledRepos().size).toBe(0);
  });

  it('keeps a config push that comes before the scheduler starts, and applies it at start', async () => {
    h = await startHarness({
      config: koYml({ synthetic: { enabled: true, cron: '0 4 * * *' } }),
    });
    const { engine } = await h.startEngine();
    // Startup discovery is still running: the push must not be lost.
    await engine.onRepoConfigPushed({ installationId: h.installationId, ...h.repo });
    expect(engine.scheduledRepos().size).toBe(0);
    engine.startScheduler([]);
    await vi.waitFor(
      () => expect(engine.scheduledRepos()).toEqual(new Map([['acme/widgets', '0 4 * * *']])),
      { timeout: 10_000, interval: 20 },
    );
  });
});
