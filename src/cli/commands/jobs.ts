import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { PreconditionError } from '../../../contracts/errors.ts';
import { parseDuration } from '../../config/parse-duration.ts';
import { readJobRetention } from '../../config/read-env-options.ts';
import { pruneJobsOutsideApp } from '../../hub/prune-jobs-outside-app.ts';
import type { PruneReport } from '../../hub/prune-finished-jobs.ts';
import { resolveDataDir } from '../../store/data-dir.ts';

function ageFrom(olderThan: string | undefined): number {
  if (olderThan === undefined) {
    const configured = readJobRetention();
    if (configured !== null) return configured;
    throw new PreconditionError('JOBS_PRUNE_NO_AGE', 'KO_JOB_RETENTION is off', {
      hint: 'say how old a finished job must be, e.g. --older-than 30d',
    });
  }
  const ms = parseDuration(olderThan);
  if (ms === undefined) {
    throw new PreconditionError(
      'JOBS_PRUNE_BAD_AGE',
      `--older-than "${olderThan}" is not a duration`,
      {
        hint: 'a whole number and a unit: s, m, h, d or w, e.g. --older-than 14d',
      },
    );
  }
  return ms;
}

function describeAge(ms: number): string {
  return ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : `${ms / 3_600_000}h`;
}

function print(report: PruneReport, olderThan: string): void {
  for (const job of report.jobs)
    process.stdout.write(`${job.id}\t${job.state}\t${job.updated_at}\n`);
  for (const dir of report.output_dirs) process.stdout.write(`outputs/${dir}/\n`);
  const verb = report.dry_run ? 'would prune' : 'pruned';
  process.stdout.write(
    `${verb} ${report.jobs.length} finished job(s) and ${report.output_dirs.length} output folder(s) ` +
      `(finished before ${report.before}, older than ${olderThan})` +
      `${report.dry_run ? '; nothing was removed' : ''}\n`,
  );
}

/**
 * Adds `ko jobs prune [--older-than 14d] [--dry-run] [--json] [--data-dir DIR]`. The hub's files
 * are under `<data dir>/hub/`; while the app runs it holds the queue and prunes by itself, so
 * only `--dry-run` works then.
 *
 * @example registerJobsCommands(program); // ko jobs prune --older-than 30d --dry-run
 */
export function registerJobsCommands(program: Command): void {
  const jobs = program
    .command('jobs')
    .description('housekeeping for the hub job queue')
    .option('--data-dir <dir>', 'data folder (default: $KO_DATA_DIR or .ko)');

  jobs
    .command('prune')
    .description(
      'delete finished jobs (completed, rejected, lost, cancelled) older than an age, with their outputs; their idempotency keys are forgotten',
    )
    .option('--older-than <age>', 'e.g. 14d, 36h, 2w (default: KO_JOB_RETENTION, else 14d)')
    .option('--dry-run', 'list what would be removed and remove nothing')
    .option('--json', 'print the report as JSON')
    .action(
      async (
        options: { olderThan?: string; dryRun?: boolean; json?: boolean },
        command: Command,
      ) => {
        const ageMs = ageFrom(options.olderThan);
        const dataDir = resolveDataDir(command.optsWithGlobals<{ dataDir?: string }>().dataDir);
        const hubDir = join(dataDir, 'hub');
        if (!existsSync(join(hubDir, 'jobs.jsonl')))
          process.stderr.write(
            `ko: no job queue at ${join(hubDir, 'jobs.jsonl')} (wrong --data-dir?)\n`,
          );
        const report = await pruneJobsOutsideApp({
          hubDir,
          before: new Date(Date.now() - ageMs),
          dryRun: options.dryRun ?? false,
        });
        if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
        else print(report, options.olderThan ?? describeAge(ageMs));
      },
    );
}
