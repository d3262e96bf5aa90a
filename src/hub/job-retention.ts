import { join } from 'node:path';
import type { Logger } from 'pino';
import { withFileLock, type LockGuard } from '../store/file-lock.ts';
import type { JobQueue } from './job-queue.ts';
import type { OutputStore } from './output-store.ts';
import { pruneFinishedJobs, type PruneReport } from './prune-finished-jobs.ts';

/** How often the app prunes. Retention is counted in days, so an hourly pass is plenty. */
const RETENTION_INTERVAL_MS = 3_600_000;

/** The parts of a hub retention works on (a Hub fits). */
export interface RetainedHub {
  queue: JobQueue;
  /** The running hub's output store, so a pruned job's open files are closed first. */
  outputs?: OutputStore;
  /** `dataDir`: the hub's data folder (queue log and outputs). */
  options: { dataDir: string };
}

export interface JobRetentionOptions {
  /** Finished jobs older than this are pruned; null turns retention off (KO_JOB_RETENTION=off). */
  maxAgeMs: number | null;
  logger: Logger;
  /** Default one hour. */
  intervalMs?: number;
  /** How long to wait for the queue lock (a `ko jobs prune` holds it briefly). Default 10 s. */
  lockWaitMs?: number;
  now?: () => Date;
}

/** The running retention: `tick` prunes now (once the lock is held), `stop` ends it. */
export interface JobRetention {
  /** One pass now; undefined when this process does not hold the queue lock (yet). */
  tick(): Promise<PruneReport | undefined>;
  /** Stops the timer, waits for a pass in progress and releases the queue lock. */
  stop(): Promise<void>;
}

/**
 * Prunes finished jobs and their outputs at start and every hour, on a plain unref'd interval.
 * For as long as it runs it holds the lock on `<dataDir>/jobs.jsonl`, which is how
 * `ko jobs prune` knows the queue file belongs to a running app and must not be rewritten from
 * outside. The first pass after taking the lock compacts the log even when nothing is due, so a
 * prune by the CLI that slipped in between the queue's open and the lock cannot leave this
 * process appending to a replaced file.
 *
 * @example
 * const retention = startJobRetention(hub, { maxAgeMs: 14 * 86_400_000, logger });
 * await retention.stop();
 */
export function startJobRetention(hub: RetainedHub, options: JobRetentionOptions): JobRetention {
  const maxAgeMs = options.maxAgeMs;
  if (maxAgeMs === null) return { tick: async () => undefined, stop: async () => undefined };
  const dataDir = hub.options.dataDir;
  const lockFile = join(dataDir, 'jobs.jsonl');
  const now = options.now ?? (() => new Date());
  const log = options.logger;
  let stopped = false;
  let acquiring = false;
  let guard: LockGuard | undefined;
  let compactNext = true;
  let held: Promise<void> = Promise.resolve();
  const unlocks: Array<() => void> = [];
  let running: Promise<unknown> = Promise.resolve();

  const ensureLock = (): void => {
    if (acquiring || guard || stopped) return;
    acquiring = true;
    const attempt = withFileLock(
      lockFile,
      async (lockGuard) => {
        acquiring = false;
        if (stopped) return;
        guard = lockGuard;
        compactNext = true;
        const released = new Promise<void>((resolve) => unlocks.push(resolve));
        void tick().catch(() => undefined);
        await released;
      },
      { waitMs: options.lockWaitMs ?? 10_000 },
    ).catch((error: unknown) => {
      acquiring = false;
      if (stopped) return;
      log.warn(
        { err: error, event: 'jobs.retention_lock' },
        'job retention is paused: could not take the job queue lock (another KO process holds it?); retrying at the next pass',
      );
    });
    held = attempt;
  };

  const pass = async (): Promise<PruneReport | undefined> => {
    if (stopped) return undefined;
    if (!guard) {
      ensureLock();
      return undefined;
    }
    try {
      guard.assertHeld();
    } catch (error) {
      log.error({ err: error, event: 'jobs.retention_lock' }, 'lost the job queue lock');
      guard = undefined;
      ensureLock();
      return undefined;
    }
    const report = await pruneFinishedJobs({
      queue: hub.queue,
      dataDir,
      before: new Date(now().getTime() - maxAgeMs),
      compact: compactNext,
      outputs: hub.outputs,
    });
    compactNext = false;
    if (report.jobs.length > 0 || report.output_dirs.length > 0) {
      log.info(
        {
          event: 'jobs.pruned',
          before: report.before,
          jobs: report.jobs.length,
          output_dirs: report.output_dirs.length,
        },
        `pruned ${report.jobs.length} finished job(s) and ${report.output_dirs.length} output folder(s)`,
      );
    }
    return report;
  };

  const tick = (): Promise<PruneReport | undefined> => {
    const next = running.then(pass);
    running = next.catch((error: unknown) => {
      log.error({ err: error, event: 'jobs.prune_failed' }, 'job retention pass failed');
    });
    return next;
  };

  const timer = setInterval(() => {
    void tick().catch(() => undefined);
  }, options.intervalMs ?? RETENTION_INTERVAL_MS).unref();
  ensureLock();

  return {
    tick,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await running;
      guard = undefined;
      for (const unlock of unlocks.splice(0)) unlock();
      // Waiting for a lock held elsewhere would delay shutdown; that attempt gives up by itself.
      if (!acquiring) await held;
    },
  };
}
