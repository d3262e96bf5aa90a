import { PreconditionError } from '../../../contracts/errors.ts';
import { loadRepoConfig } from '../../config/repo-config/load-repo-config.ts';
import type { KoRepoConfig } from '../../config/repo-config/types.ts';
import { fetchRepoConfigText } from '../fetch-repo-config.ts';
import { planCalls } from '../plan-calls.ts';
import type { StepOutcome } from '../step-machine.ts';
import type { StepContext } from '../step-context.ts';
import { syntheticBranch } from '../synthetic-change.ts';

/**
 * Step `plan`: reads the repository, its config and (for merge and rollback) the PR, and lists the
 * calls the run will make. Without apply the run ends here as `planned`: nothing is written.
 *
 * @example const outcome = await planStep(ctx);
 */
export async function planStep(ctx: StepContext): Promise<StepOutcome> {
  const { run } = ctx;
  const { owner, repo } = run;
  const { data: repository } = await ctx.gh('repos.get', () =>
    ctx.octokit.rest.repos.get({ owner, repo }),
  );
  const base = repository.default_branch;
  const config: KoRepoConfig =
    run.config ?? loadRepoConfig(await fetchRepoConfigText(ctx.gh, ctx.octokit, owner, repo, base));
  const patch: Partial<typeof run> = { config, base };
  if (run.kind === 'synthetic') patch.branch = run.branch ?? syntheticBranch(run.id);
  if (run.kind === 'merge' || run.kind === 'rollback') {
    const number = run.kind === 'merge' ? run.pr : run.reverts_pr;
    const { data: pull } = await ctx.gh('pulls.get', () =>
      ctx.octokit.rest.pulls.get({ owner, repo, pull_number: number ?? 0 }),
    );
    if (run.kind === 'merge') {
      if (pull.merged)
        return {
          type: 'end',
          state: 'merged',
          detail: `#${pull.number} is already merged`,
          patch: { ...patch, merge_sha: pull.merge_commit_sha ?? undefined },
        };
      if (pull.state !== 'open')
        return { type: 'end', state: 'failed', detail: `#${pull.number} is closed`, patch };
      patch.head_sha = pull.head.sha;
      patch.base = pull.base.ref;
      patch.branch = pull.head.ref;
    } else if (!pull.merged) {
      throw new PreconditionError(
        'ROLLBACK_NOT_MERGED',
        `#${pull.number} is not merged, so there is nothing to revert`,
        {
          hint: 'run /ko rollback on a merged PR',
        },
      );
    } else {
      patch.base = pull.base.ref;
    }
  }
  const plan = planCalls({ ...run, ...patch, base: patch.base ?? base }, config);
  patch.plan = plan;
  if (!run.apply) {
    return {
      type: 'end',
      state: 'planned',
      detail: `dry-run: ${plan.length} GitHub calls planned, none made`,
      patch,
    };
  }
  return { type: 'next', detail: `apply: ${plan.length} GitHub calls planned`, patch };
}
