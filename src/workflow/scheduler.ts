import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { RepoConfigResult } from '../config/repo-config/load-repo-config.ts';
import type { KoRepoConfig } from '../config/repo-config/types.ts';

/** A repository the scheduler runs the synthetic workflow for, with its validated config. */
export interface ScheduledRepo {
  installationId: number;
  owner: string;
  repo: string;
  config: KoRepoConfig;
}

/** A repository without its config: what a push hint or a cron fire names. */
export type RepoRef = Omit<ScheduledRepo, 'config'>;

export interface WorkflowScheduler {
  /**
   * Re-reads a repository's config and adds, reschedules or removes its cron to match (a push
   * to the default branch that touched `.github/ko.yml`). An invalid config changes nothing.
   */
  refresh(repo: RepoRef): Promise<void>;
  /** The crons now: `owner/repo` → pattern (for status and tests). */
  jobs(): Map<string, string>;
  /** Stops the crons and the reconcile timer; resolves once work they started has settled. */
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  repos: readonly ScheduledRepo[];
  reconcileEveryMs: number;
  logger: Logger;
  startSynthetic: (repo: ScheduledRepo) => Promise<unknown>;
  tick: () => Promise<unknown>;
  /**
   * The repo's `.github/ko.yml` from its default branch now; throws when GitHub cannot be read.
   * Without it the configs given at start are used as they are (no re-read).
   */
  readConfig?: (repo: RepoRef) => Promise<RepoConfigResult>;
}

interface Job {
  entry: ScheduledRepo;
  cron: Cron;
}

const keyOf = (repo: RepoRef): string => `${repo.owner}/${repo.repo}`.toLowerCase();

/**
 * One croner job per repo with `synthetic.enabled` (its `synthetic.cron`, UTC; an overrun skips
 * the next fire), plus a timer that reconciles waiting runs every `reconcileEveryMs`.
 *
 * Before each synthetic run the repo's config is read again from the default branch, so a change
 * on that branch is honoured at the next fire at the latest: disabled → the cron is removed; a
 * new pattern → the cron is rescheduled (and this fire starts nothing); a new mode → the run uses
 * it. An invalid config starts no run and keeps the cron on the last valid pattern, so the next
 * fire looks again; an unreadable one (GitHub down) skips this fire. `refresh` does the same at
 * once for a push and can add a repo that was not scheduled.
 *
 * @example const s = startWorkflowScheduler({ repos, reconcileEveryMs: 60_000, logger, startSynthetic, tick, readConfig }); await s.stop();
 */
export function startWorkflowScheduler(options: SchedulerOptions): WorkflowScheduler {
  const { logger } = options;
  const inFlight = new Set<Promise<void>>();
  const jobs = new Map<string, Job>();
  let stopped = false;

  const track = (label: string, work: () => Promise<unknown>): Promise<void> => {
    const promise = work().then(
      () => undefined,
      (error: unknown) => {
        logger.error({ event: 'workflow.scheduler_error', err: error }, `${label} failed`);
      },
    );
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise));
    return promise;
  };

  function schedule(entry: ScheduledRepo): void {
    const key = keyOf(entry);
    const pattern = entry.config.synthetic.cron;
    // `protect` skips a fire while the previous one (its promise) is still running.
    const cron = new Cron(pattern, { timezone: 'UTC', protect: true }, () =>
      track(`synthetic run for ${key}`, () => fire(key)),
    );
    jobs.set(key, { entry, cron });
    logger.info(
      { event: 'workflow.scheduled', repo: key, cron: pattern },
      `synthetic workflow for ${key} on "${pattern}" (UTC)`,
    );
  }

  function unschedule(key: string, why: string): void {
    const job = jobs.get(key);
    if (job === undefined) return;
    job.cron.stop();
    jobs.delete(key);
    logger.info(
      { event: 'workflow.unscheduled', repo: key },
      `synthetic cron for ${key} removed: ${why}`,
    );
  }

  /** Reads the config now; undefined (logged) when it is invalid or unreadable. */
  async function fresh(repo: RepoRef): Promise<KoRepoConfig | undefined> {
    const key = keyOf(repo);
    if (options.readConfig === undefined) return jobs.get(key)?.entry.config;
    let result: RepoConfigResult;
    try {
      result = await options.readConfig(repo);
    } catch (error) {
      logger.warn(
        { event: 'workflow.config_unreadable', repo: key, err: error },
        `could not read .github/ko.yml of ${key}; the synthetic cron changes nothing this time`,
      );
      return undefined;
    }
    if (result.ok) return result.config;
    logger.error(
      { event: 'workflow.config_invalid', repo: key, issues: result.issues },
      `.github/ko.yml of ${key} is invalid (${result.issues.map((i) => `${i.field || '(file)'} ${i.problem}`).join('; ')}); no synthetic run starts until it is fixed, the cron keeps its last valid schedule`,
    );
    return undefined;
  }

  /** Makes the cron of `repo` match `config`; true when it was already right (same pattern). */
  function matchCron(repo: RepoRef, config: KoRepoConfig): boolean {
    const key = keyOf(repo);
    const job = jobs.get(key);
    const entry: ScheduledRepo = { ...repo, config };
    if (!config.synthetic.enabled) {
      unschedule(key, 'synthetic.enabled is false on the default branch');
      return false;
    }
    if (job === undefined) {
      schedule(entry);
      return false;
    }
    if (job.entry.config.synthetic.cron !== config.synthetic.cron) {
      logger.info(
        {
          event: 'workflow.rescheduled',
          repo: key,
          from: job.entry.config.synthetic.cron,
          cron: config.synthetic.cron,
        },
        `synthetic cron for ${key} changed`,
      );
      job.cron.stop();
      schedule(entry);
      return false;
    }
    job.entry = entry;
    return true;
  }

  async function fire(key: string): Promise<void> {
    const job = jobs.get(key);
    if (job === undefined || stopped) return;
    const config = await fresh(job.entry);
    if (config === undefined || stopped || jobs.get(key) !== job) return;
    if (!matchCron(job.entry, config)) return;
    await options.startSynthetic({ ...job.entry, config });
  }

  for (const entry of options.repos) {
    if (entry.config.synthetic.enabled) schedule(entry);
  }
  let ticking = false;
  const timer = setInterval(() => {
    if (ticking) return;
    ticking = true;
    void track('reconcile tick', () => options.tick().finally(() => (ticking = false)));
  }, options.reconcileEveryMs);
  timer.unref();

  return {
    async refresh(repo) {
      if (stopped) return;
      await track(`config refresh for ${keyOf(repo)}`, async () => {
        const config = await fresh(repo);
        if (config !== undefined && !stopped) matchCron(repo, config);
      });
    },
    jobs: () => new Map([...jobs].map(([key, job]) => [key, job.entry.config.synthetic.cron])),
    async stop() {
      stopped = true;
      for (const job of jobs.values()) job.cron.stop();
      jobs.clear();
      clearInterval(timer);
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
