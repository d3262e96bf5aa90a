import type { GateCheck } from '../approvals/gate-check-run.ts';
import { judgeChecks } from './judge-checks.ts';
import type { Octokit, StepContext } from './step-context.ts';

/**
 * KO's own app id, from the installation Octokit's app authentication (Probot's auth strategy
 * answers `{ type: 'app' }` locally with the app id, no request). Undefined when it cannot say;
 * judgeChecks then still recognises KO's suite by its ko/gate run.
 *
 * @example const appId = await appIdOf(octokit); // 42
 */
export async function appIdOf(octokit: Octokit): Promise<number | undefined> {
  try {
    const auth = (await (octokit.auth as (options: { type: 'app' }) => Promise<unknown>)({
      type: 'app',
    })) as { appId?: unknown } | null;
    const id = Number(auth?.appId);
    return Number.isInteger(id) && id > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How each required check stands on `sha`, from its check runs, check suites and combined
 * status (judge-checks.ts says how). With no required checks, every check that reported and every
 * other app's suite (except KO's own).
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
  const suites = await ctx.gh('checks.listSuitesForRef', () =>
    ctx.octokit.paginate(ctx.octokit.rest.checks.listSuitesForRef, {
      owner,
      repo,
      ref: sha,
      per_page: 100,
    }),
  );
  const combined = await ctx.gh('repos.getCombinedStatusForRef', () =>
    ctx.octokit.rest.repos.getCombinedStatusForRef({ owner, repo, ref: sha, per_page: 100 }),
  );
  const ownAppId = await ctx.ownAppId();
  return judgeChecks({
    runs,
    suites,
    statuses: combined.data.statuses,
    required,
    ownAppIds: ownAppId === undefined ? [] : [ownAppId],
  });
}
