import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PreconditionError, TransientError } from '../../contracts/errors.ts';
import { withFileLock } from '../store/file-lock.ts';
import { DurableLog } from './durable-log.ts';
import { FileJobQueue, type JobQueue } from './job-queue.ts';
import type { Job } from './job-types.ts';
import { isPrunable } from './prunable-jobs.ts';
import { pruneFinishedJobs, type PruneReport } from './prune-finished-jobs.ts';

export interface PruneOutsideAppOptions {
  /** The hub's data folder (`<KO_DATA_DIR>/hub`). */
  hubDir: string;
  before: Date;
  dryRun: boolean;
}

/**
 * `ko jobs prune`: a retention pass from a separate process. A real prune takes the queue's lock
 * and refuses (PRECONDITION, JOBS_QUEUE_IN_USE) while the app holds it: rewriting the log under
 * a running hub would leave the hub appending to a replaced file. A dry run never writes, so it
 * reads the log as it is, app running or not.
 *
 * @example await pruneJobsOutsideApp({ hubDir: '.ko/hub', before: new Date(Date.now() - 30 * 86_400_000), dryRun: true });
 */
export async function pruneJobsOutsideApp(options: PruneOutsideAppOptions): Promise<PruneReport> {
  const { hubDir, before, dryRun } = options;
  const jobsFile = join(hubDir, 'jobs.jsonl');
  if (!existsSync(jobsFile))
    return { dry_run: dryRun, before: before.toISOString(), jobs: [], output_dirs: [] };
  if (dryRun)
    return pruneFinishedJobs({
      queue: readJobsSnapshot(jobsFile),
      dataDir: hubDir,
      before,
      dryRun,
    });
  try {
    return await withFileLock(
      jobsFile,
      async () => {
        const queue = await FileJobQueue.open(hubDir);
        try {
          return await pruneFinishedJobs({ queue, dataDir: hubDir, before });
        } finally {
          await queue.close();
        }
      },
      { waitMs: 2_000 },
    );
  } catch (error) {
    if (!(error instanceof TransientError) || error.code !== 'STORE_LOCKED') throw error;
    throw new PreconditionError(
      'JOBS_QUEUE_IN_USE',
      `the job queue ${jobsFile} is held by a running KO app (or another prune)`,
      {
        hint: 'the app prunes by itself at start and hourly (KO_JOB_RETENTION); to prune with another age now, stop the app, run this again, then start it (--dry-run works while it runs)',
        cause: error,
      },
    );
  }
}

/** The queue as its log says now, read-only: last record per job wins, as on open. */
function readJobsSnapshot(file: string): Pick<JobQueue, 'get' | 'prune'> {
  const jobs = new Map<string, Job>();
  for (const record of DurableLog.readLines(file) as Array<{ t?: unknown; job?: Job } | null>)
    if (record?.t === 'put' && record.job?.id) jobs.set(record.job.id, record.job);
  return {
    get: async (id) => jobs.get(id),
    prune: async (before) =>
      [...jobs.values()].filter((job) => isPrunable(job, before)).sort((a, b) => a.seq - b.seq),
  };
}
