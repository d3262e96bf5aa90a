import { TERMINAL_STATES } from '../../hub/job-types.ts';
import type { DispatchReply, DispatchRequest, DispatchServices } from './dispatch-types.ts';
import { jobsOfPr } from './pr-jobs.ts';

/**
 * `/ko cancel [job]`: cancels a queued or running job of this PR (a running one gets exec.cancel
 * and the runner's grace period). Without an id, the only unfinished job.
 *
 * @example await cancelJob(services, request, 'job-1');
 */
export async function cancelJob(
  services: DispatchServices,
  request: DispatchRequest,
  id: string | undefined,
): Promise<DispatchReply> {
  const hub = services.hub;
  if (!hub)
    return {
      ok: false,
      body: 'No runner hub runs in this KO process: there is nothing to cancel.',
    };
  const open = (await jobsOfPr(hub, request.owner, request.repo, request.pr)).filter(
    (job) => !TERMINAL_STATES.has(job.state),
  );
  const chosen = id === undefined ? open : open.filter((job) => job.id === id);
  if (chosen.length !== 1) {
    const list = open.map((job) => `\`${job.id}\` (${job.state})`).join(', ');
    const body =
      open.length === 0
        ? 'No job of this PR is queued or running.'
        : id === undefined
          ? `Several jobs run on this PR; name one: ${list}.`
          : `Job \`${id}\` is not a queued or running job of this PR. Open jobs: ${list}.`;
    return { ok: false, body };
  }
  const job = chosen[0] as (typeof chosen)[number];
  const cancelled = await hub.cancel(job.id, `cancelled by @${request.commenter}`);
  await request.audit({
    actor: request.commenter,
    action: 'exec.cancel',
    target: `${request.owner}/${request.repo}#${request.pr} job ${job.id}`,
    outcome: cancelled?.state ?? 'unknown',
  });
  return { ok: true, body: `Job \`${job.id}\` is ${cancelled?.state ?? 'being cancelled'}.` };
}
