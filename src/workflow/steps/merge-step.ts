import { statusOf } from '../github-call.ts';
import type { StepOutcome } from '../step-machine.ts';
import { fullName, type StepContext } from '../step-context.ts';
import { guardPull, headMoved } from './pull-guard.ts';

/**
 * Step `merge`: merges at the checked and approved head SHA (`sha` precondition). A PR that is
 * merged already (before a restart, or a retried call that went through) is recorded, never
 * merged twice. 409 with a moved head goes back to checks; 405/409 otherwise is a conflict.
 *
 * @example const outcome = await mergeStep(ctx);
 */
export async function mergeStep(ctx: StepContext): Promise<StepOutcome> {
  const early = await guardPull(ctx);
  if (early) return early;
  const { run } = ctx;
  const { owner, repo } = run;
  const head = run.head_sha ?? '';
  if (run.config?.approval.required ?? true) {
    const approved = await ctx.approvals.findApproved({
      kind: run.kind,
      repo: fullName(run),
      pr: run.pr ?? 0,
      target: head,
    });
    if (approved === undefined) {
      return {
        type: 'goto',
        step: 'gate',
        detail: `no usable approval for ${head.slice(0, 12)}; back to the gate`,
      };
    }
  }
  try {
    const { data } = await ctx.gh('pulls.merge', () =>
      ctx.octokit.rest.pulls.merge({
        owner,
        repo,
        pull_number: run.pr ?? 0,
        sha: head,
        merge_method: run.config?.merge.method ?? 'squash',
        commit_title: `${run.kind === 'synthetic' ? 'chore: synthetic run' : 'Merge'} (#${run.pr ?? '?'})`,
      }),
    );
    return {
      type: 'next',
      detail: `merged #${run.pr ?? '?'} as ${data.sha.slice(0, 12)}`,
      patch: { merge_sha: data.sha },
    };
  } catch (error) {
    const status = statusOf(error);
    if (status !== 405 && status !== 409) throw error;
    const { data: pull } = await ctx.gh('pulls.get', () =>
      ctx.octokit.rest.pulls.get({ owner, repo, pull_number: run.pr ?? 0 }),
    );
    if (pull.merged) {
      return {
        type: 'next',
        detail: `#${pull.number} is merged`,
        patch: { merge_sha: pull.merge_commit_sha ?? undefined },
      };
    }
    if (pull.head.sha !== head) return headMoved(ctx, pull.head.sha);
    const message = (error as Error).message;
    return {
      type: 'end',
      state: 'conflict',
      detail: `GitHub refused the merge (${status}): ${message}${pull.mergeable_state ? ` (mergeable_state ${pull.mergeable_state})` : ''}`,
    };
  }
}
