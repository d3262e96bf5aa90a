import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { KoRepoConfig } from '../config/repo-config/types.ts';

/** A repository the scheduler runs the synthetic workflow for, with its validated config. */
export interface ScheduledRepo {
  installationId: number;
  owner: string;
  repo: string;
  config: KoRepoConfig;
}

export interface WorkflowScheduler {
  /** Stops the crons and the reconcile timer; resolves once work they started has settled. */
  stop(): Promise<void>;
}

/**
 * One croner job per repo with `synthetic.enabled` (its `synthetic.cron`, UTC; overruns are
 * skipped), plus a timer that reconciles waiting runs every `reconcileEveryMs`.
 *
 * @example const s = startWorkflowScheduler({ repos, reconcileEveryMs: 60_000, logger, startSynthetic, tick }); await s.stop();
 */
export function startWorkflowScheduler(options: {
  repos: readonly ScheduledRepo[];
  reconcileEveryMs: number;
  logger: Logger;
  startSynthetic: (repo: ScheduledRepo) => Promise<unknown>;
  tick: () => Promise<unknown>;
}): WorkflowScheduler {
  const inFlight = new Set<Promise<unknown>>();
  const track = (label: string, work: () => Promise<unknown>): void => {
    const promise = work().catch((error: unknown) => {
      options.logger.error({ event: 'workflow.scheduler_error', err: error }, `${label} failed`);
    });
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise));
  };
  const crons = options.repos
    .filter((entry) => entry.config.synthetic.enabled)
    .map((entry) => {
      const name = `${entry.owner}/${entry.repo}`;
      options.logger.info(
        { event: 'workflow.scheduled', repo: name, cron: entry.config.synthetic.cron },
        `synthetic workflow for ${name} on "${entry.config.synthetic.cron}" (UTC)`,
      );
      return new Cron(entry.config.synthetic.cron, { timezone: 'UTC', protect: true }, () =>
        track(`synthetic run for ${name}`, () => options.startSynthetic(entry)),
      );
    });
  let ticking = false;
  const timer = setInterval(() => {
    if (ticking) return;
    ticking = true;
    track('reconcile tick', () => options.tick().finally(() => (ticking = false)));
  }, options.reconcileEveryMs);
  timer.unref();
  return {
    async stop() {
      for (const cron of crons) cron.stop();
      clearInterval(timer);
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
