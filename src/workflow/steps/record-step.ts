import { statusOf } from '../github-call.ts';
import type { StepOutcome } from '../step-machine.ts';
import type { StepContext } from '../step-context.ts';

/** Deletes a merged synthetic run's branch (one every 10 minutes would pile up); gone already is fine. */
async function deleteSyntheticBranch(ctx: StepContext): Promise<string> {
  const { owner, repo, branch } = ctx.run;
  if (ctx.run.kind !== 'synthetic' || branch === undefined) return '';
  try {
    await ctx.gh('git.deleteRef', () =>
      ctx.octokit.rest.git.deleteRef({ owner, repo, ref: `heads/${branch}` }),
    );
    return `; branch ${branch} deleted`;
  } catch (error) {
    const status = statusOf(error);
    if (status === 404 || status === 422) return `; branch ${branch} already gone`;
    throw error;
  }
}

/**
 * Step `record`: the run is merged; a synthetic run's branch is deleted, and the lead time (start
 * to merge) goes into the run history.
 *
 * @example const outcome = await recordStep(ctx);
 */
export async function recordStep(ctx: StepContext): Promise<StepOutcome> {
  const { run } = ctx;
  const cleaned = await deleteSyntheticBranch(ctx);
  const leadTime = Math.max(0, ctx.now().getTime() - Date.parse(run.started_at));
  return {
    type: 'end',
    state: 'merged',
    detail: `merged #${run.pr ?? '?'} as ${(run.merge_sha ?? '?').slice(0, 12)}; lead time ${(leadTime / 1000).toFixed(1)} s${cleaned}`,
    patch: { lead_time_ms: leadTime },
  };
}
