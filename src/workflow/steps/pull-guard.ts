import type { StepOutcome } from '../step-machine.ts';
import { fullName, type StepContext } from '../step-context.ts';

/**
 * Reads the run's PR and answers the cases every waiting step must notice first: merged by
 * someone (go record it), closed (the run fails), head moved (void the approval, back to
 * checks on the new head). Undefined when the PR is open at the run's head.
 *
 * @example const early = await guardPull(ctx); if (early) return early;
 */
export async function guardPull(ctx: StepContext): Promise<StepOutcome | undefined> {
  const { run } = ctx;
  const { data: pull } = await ctx.gh('pulls.get', () =>
    ctx.octokit.rest.pulls.get({ owner: run.owner, repo: run.repo, pull_number: run.pr ?? 0 }),
  );
  if (pull.merged) {
    return {
      type: 'goto',
      step: 'record',
      detail: `#${pull.number} was merged`,
      patch: { merge_sha: pull.merge_commit_sha ?? undefined },
    };
  }
  if (pull.state !== 'open') {
    return { type: 'end', state: 'failed', detail: `#${pull.number} was closed without merging` };
  }
  if (pull.head.sha !== run.head_sha) return headMoved(ctx, pull.head.sha);
  return undefined;
}

/**
 * The PR head moved to `headSha`: voids approvals for the old head and sends the run back to
 * the checks of the new one, where a new approval is asked for.
 *
 * @example return headMoved(ctx, pull.head.sha);
 */
export async function headMoved(ctx: StepContext, headSha: string): Promise<StepOutcome> {
  const { run } = ctx;
  const audit = await ctx.approvals.onHeadChanged(fullName(run), run.pr ?? 0, headSha, 'ko');
  await ctx.auditApproval(audit);
  return {
    type: 'goto',
    step: 'checks',
    detail: `head moved from ${(run.head_sha ?? '?').slice(0, 12)} to ${headSha.slice(0, 12)}; approval voided, checks again`,
    patch: { head_sha: headSha, approval_id: undefined, checks_since: ctx.now().toISOString() },
  };
}
