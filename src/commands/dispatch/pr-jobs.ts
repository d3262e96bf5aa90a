import type { Hub } from '../../hub/hub.ts';
import type { Job } from '../../hub/job-types.ts';

/**
 * The idempotency key of a job started from a comment: a redelivered or re-read comment never
 * submits the same job twice, and the key tells which PR a job belongs to.
 *
 * @example jobKey('acme', 'app', 12, 'comment-99'); // 'ko:acme/app#12:comment-99'
 */
export function jobKey(owner: string, repo: string, pr: number, suffix: string): string {
  return `${prPrefix(owner, repo, pr)}${suffix}`;
}

function prPrefix(owner: string, repo: string, pr: number): string {
  return `ko:${owner}/${repo}#${pr}:`.toLowerCase();
}

/**
 * The jobs KO started for one PR, oldest first.
 *
 * @example const running = (await jobsOfPr(hub, 'acme', 'app', 12)).filter((j) => j.state === 'running');
 */
export async function jobsOfPr(hub: Hub, owner: string, repo: string, pr: number): Promise<Job[]> {
  const prefix = prPrefix(owner, repo, pr);
  return (await hub.queue.list())
    .filter((job) => (job.spec.idempotency_key ?? '').toLowerCase().startsWith(prefix))
    .sort((a, b) => a.seq - b.seq);
}
