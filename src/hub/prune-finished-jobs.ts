import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobQueue } from './job-queue.ts';
import type { Job } from './job-types.ts';
import type { OutputStore } from './output-store.ts';

export interface PruneFinishedJobsOptions {
  queue: Pick<JobQueue, 'get' | 'prune'>;
  /** The hub's data folder; job outputs live in `<dataDir>/outputs/<job id>/` (OutputStore). */
  dataDir: string;
  /** Jobs that finished (last changed) before this time go. */
  before: Date;
  /** Report only; change nothing. */
  dryRun?: boolean;
  /** Passed to JobQueue.prune: rewrite the queue's storage even when nothing is due. */
  compact?: boolean;
  /** The running hub's store, so a pruned job's open output files are closed before deletion. */
  outputs?: OutputStore;
}

export interface PruneReport {
  dry_run: boolean;
  /** ISO time: jobs that finished before it were (or would be) pruned. */
  before: string;
  jobs: Array<Pick<Job, 'id' | 'state' | 'updated_at'>>;
  /**
   * Output folders removed (or that would be): the pruned jobs', plus orphans (no job in the
   * queue, untouched since before the cutoff) left by a crash between the two steps.
   */
  output_dirs: string[];
}

/**
 * One retention pass: prunes old finished jobs from the queue (durably, first), then deletes
 * their output folders and orphaned ones. A crash in between leaves only orphans, which the next
 * pass removes; never an output-less job that looks finished.
 *
 * @example
 * const report = await pruneFinishedJobs({ queue, dataDir: '.ko/hub', before: new Date(Date.now() - 14 * 86_400_000) });
 */
export async function pruneFinishedJobs(options: PruneFinishedJobsOptions): Promise<PruneReport> {
  const dryRun = options.dryRun ?? false;
  const pruned = await options.queue.prune(options.before, {
    dryRun,
    compact: options.compact ?? false,
  });
  const outputsDir = join(options.dataDir, 'outputs');
  const folders = await listFolders(outputsDir);
  const doomed = new Set<string>();
  for (const job of pruned) if (folders.has(job.id)) doomed.add(job.id);
  const prunedIds = new Set(pruned.map((job) => job.id));
  for (const name of folders) {
    if (doomed.has(name) || prunedIds.has(name) || (await options.queue.get(name))) continue;
    const info = await stat(join(outputsDir, name)).catch(() => undefined);
    if (info && info.mtimeMs < options.before.getTime()) doomed.add(name);
  }
  if (!dryRun) {
    for (const name of doomed) {
      options.outputs?.forget(name);
      await rm(join(outputsDir, name), { recursive: true, force: true, maxRetries: 3 });
    }
  }
  return {
    dry_run: dryRun,
    before: options.before.toISOString(),
    jobs: pruned.map(({ id, state, updated_at }) => ({ id, state, updated_at })),
    output_dirs: [...doomed].sort(),
  };
}

async function listFolders(dir: string): Promise<Set<string>> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return new Set(entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw error;
  }
}
