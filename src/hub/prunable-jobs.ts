import { TERMINAL_STATES, type Job } from './job-types.ts';

/**
 * Whether retention may drop a job: it is finished (a terminal state) and its last change is
 * older than `before`. Age counts from `updated_at`, the moment it finished (or later), so a job
 * that sat queued for a week is not pruned the moment it ends.
 *
 * @example isPrunable(job, new Date(Date.now() - 14 * 86_400_000))
 */
export function isPrunable(job: Job, before: Date): boolean {
  return TERMINAL_STATES.has(job.state) && Date.parse(job.updated_at) < before.getTime();
}
