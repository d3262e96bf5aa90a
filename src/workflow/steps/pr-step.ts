import type { StepOutcome } from '../step-machine.ts';
import type { StepContext } from '../step-context.ts';

/**
 * Step `pr` (synthetic): opens the PR for the run's branch, unless one exists for it already
 * (any state), which a resumed run then keeps.
 *
 * @example const outcome = await prStep(ctx);
 */
export async function prStep(ctx: StepContext): Promise<StepOutcome> {
  const { run } = ctx;
  const { owner, repo } = run;
  const branch = run.branch ?? '';
  const { data: found } = await ctx.gh('pulls.list', () =>
    ctx.octokit.rest.pulls.list({ owner, repo, head: `${owner}:${branch}`, state: 'all' }),
  );
  const existing = found.find((p) => p.head.ref === branch);
  if (existing !== undefined) {
    return {
      type: 'next',
      detail: `PR #${existing.number} exists for ${branch}`,
      patch: {
        pr: existing.number,
        head_sha: existing.head.sha,
        checks_since: ctx.now().toISOString(),
      },
    };
  }
  const { data: pull } = await ctx.gh('pulls.create', () =>
    ctx.octokit.rest.pulls.create({
      owner,
      repo,
      head: branch,
      base: run.base ?? 'main',
      title: `Synthetic run ${run.id}`,
      body: [
        'A synthetic change made by KO to measure the path from code to merge.',
        '',
        `- run: \`${run.id}\` (${run.trigger}, asked by @${run.requested_by})`,
        `- trace: \`${run.trace_id}\` (\`ko trace ${run.trace_id}\`)`,
      ].join('\n'),
    }),
  );
  return {
    type: 'next',
    detail: `PR #${pull.number} opened`,
    patch: { pr: pull.number, head_sha: pull.head.sha, checks_since: ctx.now().toISOString() },
  };
}
