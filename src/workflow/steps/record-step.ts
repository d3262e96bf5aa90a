import type { StepOutcome } from '../step-machine.ts';
import type { StepContext } from '../step-context.ts';

/**
 * Step `record`: the run is merged; its lead time (start to merge) goes into the run history.
 *
 * @example const outcome = await recordStep(ctx);
 */
export async function recordStep(ctx: StepContext): Promise<StepOutcome> {
  const { run } = ctx;
  const leadTime = Math.max(0, ctx.now().getTime() - Date.parse(run.started_at));
  return {
    type: 'end',
    state: 'merged',
    detail: `merged #${run.pr ?? '?'} as ${(run.merge_sha ?? '?').slice(0, 12)}; lead time ${(leadTime / 1000).toFixed(1)} s`,
    patch: { lead_time_ms: leadTime },
  };
}
