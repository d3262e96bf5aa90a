import type { GateCheck } from '../approvals/gate-check-run.ts';
import { GATE_CHECK_NAME } from '../approvals/gate-check-run.ts';
import type { StepContext } from './step-context.ts';

interface RunLike {
  name: string;
  status: string;
  conclusion: string | null;
}

const PASSING = ['success', 'neutral', 'skipped'];

function fromRun(run: RunLike): GateCheck['state'] {
  if (run.status !== 'completed') return 'pending';
  return PASSING.includes(run.conclusion ?? '') ? 'success' : 'failure';
}

function fromStatus(state: string): GateCheck['state'] {
  if (state === 'success') return 'success';
  return state === 'pending' ? 'pending' : 'failure';
}

/**
 * How each required check stands on `sha`, from its check runs (latest per name) and the
 * combined status. With no required checks, every check that reported (except ko/gate itself).
 *
 * @example const checks = await readChecks(ctx, sha, ['build']); // [{ name: 'build', state: 'success' }]
 */
export async function readChecks(
  ctx: StepContext,
  sha: string,
  required: readonly string[],
): Promise<GateCheck[]> {
  const { owner, repo } = ctx.run;
  const runs = await ctx.gh('checks.listForRef', () =>
    ctx.octokit.paginate(ctx.octokit.rest.checks.listForRef, {
      owner,
      repo,
      ref: sha,
      per_page: 100,
    }),
  );
  const combined = await ctx.gh('repos.getCombinedStatusForRef', () =>
    ctx.octokit.rest.repos.getCombinedStatusForRef({ owner, repo, ref: sha, per_page: 100 }),
  );
  const states = new Map<string, GateCheck['state']>();
  // Newest first, so the first seen per name is the latest attempt.
  for (const run of [...runs].sort((a, b) => b.id - a.id)) {
    if (run.name === GATE_CHECK_NAME || states.has(run.name)) continue;
    states.set(run.name, fromRun(run));
  }
  for (const status of combined.data.statuses) {
    if (!states.has(status.context)) states.set(status.context, fromStatus(status.state));
  }
  if (required.length === 0) {
    return [...states].map(([name, state]) => ({ name, state }));
  }
  return required.map((name) => ({ name, state: states.get(name) ?? 'missing' }));
}
