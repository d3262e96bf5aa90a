import type { StepOutcome } from '../step-machine.ts';
import type { StepContext } from '../step-context.ts';

interface RevertAnswer {
  revertPullRequest?: {
    pullRequest?: { number: number } | null;
    revertPullRequest?: { number: number } | null;
  } | null;
}

/**
 * Step `revert` (rollback): opens a revert PR for the merged PR with GraphQL revertPullRequest,
 * unless an open revert PR for it exists (`revert-<n>-…`), which a resumed run then drives.
 *
 * @example const outcome = await revertStep(ctx);
 */
export async function revertStep(ctx: StepContext): Promise<StepOutcome> {
  const { run } = ctx;
  const { owner, repo } = run;
  const target = run.reverts_pr ?? 0;
  const { data: open } = await ctx.gh('pulls.list', () =>
    ctx.octokit.rest.pulls.list({ owner, repo, state: 'open', per_page: 100 }),
  );
  const existing = open.find((p) => p.head.ref.startsWith(`revert-${target}-`));
  if (existing !== undefined) {
    return {
      type: 'next',
      detail: `revert PR #${existing.number} for #${target} exists`,
      patch: {
        pr: existing.number,
        head_sha: existing.head.sha,
        branch: existing.head.ref,
        checks_since: ctx.now().toISOString(),
      },
    };
  }
  const { data: merged } = await ctx.gh('pulls.get', () =>
    ctx.octokit.rest.pulls.get({ owner, repo, pull_number: target }),
  );
  const answer = await ctx.gh('graphql revertPullRequest', () =>
    ctx.octokit.graphql<RevertAnswer>(
      `mutation($id: ID!, $body: String) {
        revertPullRequest(input: { pullRequestId: $id, body: $body }) {
          revertPullRequest { number }
        }
      }`,
      {
        id: merged.node_id,
        body: `Reverts #${target}. KO rollback run \`${run.id}\`, trace \`${run.trace_id}\`.`,
      },
    ),
  );
  const number =
    answer.revertPullRequest?.revertPullRequest?.number ??
    answer.revertPullRequest?.pullRequest?.number;
  const { data: pull } = await ctx.gh('pulls.get', () =>
    ctx.octokit.rest.pulls.get({ owner, repo, pull_number: number ?? 0 }),
  );
  return {
    type: 'next',
    detail: `revert PR #${pull.number} opened for #${target}`,
    patch: {
      pr: pull.number,
      head_sha: pull.head.sha,
      branch: pull.head.ref,
      checks_since: ctx.now().toISOString(),
    },
  };
}
