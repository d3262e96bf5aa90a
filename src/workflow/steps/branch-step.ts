import { statusOf } from '../github-call.ts';
import type { StepOutcome } from '../step-machine.ts';
import type { StepContext } from '../step-context.ts';
import { syntheticBranch, syntheticContent } from '../synthetic-change.ts';

async function findRef(ctx: StepContext, branch: string): Promise<string | undefined> {
  const { owner, repo } = ctx.run;
  try {
    const { data } = await ctx.gh('git.getRef', () =>
      ctx.octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` }),
    );
    return data.object.sha;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

async function readFileAt(ctx: StepContext, path: string, ref: string): Promise<string> {
  const { owner, repo } = ctx.run;
  try {
    const { data } = await ctx.gh(`repos.getContent ${path}`, () =>
      ctx.octokit.rest.repos.getContent({ owner, repo, path, ref }),
    );
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return '';
    return Buffer.from(data.content, 'base64').toString('utf8');
  } catch (error) {
    if (statusOf(error) === 404) return '';
    throw error;
  }
}

/**
 * Step `branch` (synthetic): the one-line change on `ko/synthetic-<run id>` through the git data
 * API. A branch that already exists (made before a restart) is taken as it is.
 *
 * @example const outcome = await branchStep(ctx);
 */
export async function branchStep(ctx: StepContext): Promise<StepOutcome> {
  const { run } = ctx;
  const { owner, repo } = run;
  const branch = run.branch ?? syntheticBranch(run.id);
  const existing = await findRef(ctx, branch);
  if (existing !== undefined) {
    return {
      type: 'next',
      detail: `branch ${branch} exists at ${existing.slice(0, 12)}`,
      patch: { branch, head_sha: existing },
    };
  }
  const base = run.base ?? 'main';
  const baseSha = (await findRef(ctx, base)) ?? '';
  const file = run.config?.synthetic.file ?? 'README.md';
  const content = syntheticContent(await readFileAt(ctx, file, baseSha), run.id, ctx.now());
  const { data: baseCommit } = await ctx.gh('git.getCommit', () =>
    ctx.octokit.rest.git.getCommit({ owner, repo, commit_sha: baseSha }),
  );
  const { data: blob } = await ctx.gh('git.createBlob', () =>
    ctx.octokit.rest.git.createBlob({
      owner,
      repo,
      content: Buffer.from(content).toString('base64'),
      encoding: 'base64',
    }),
  );
  const { data: tree } = await ctx.gh('git.createTree', () =>
    ctx.octokit.rest.git.createTree({
      owner,
      repo,
      base_tree: baseCommit.tree.sha,
      tree: [{ path: file, mode: '100644', type: 'blob', sha: blob.sha }],
    }),
  );
  const { data: commit } = await ctx.gh('git.createCommit', () =>
    ctx.octokit.rest.git.createCommit({
      owner,
      repo,
      message: `chore: synthetic run ${run.id}\n\nKO trace ${run.trace_id}`,
      tree: tree.sha,
      parents: [baseSha],
    }),
  );
  try {
    await ctx.gh('git.createRef', () =>
      ctx.octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha: commit.sha }),
    );
  } catch (error) {
    // A retried create whose first attempt went through: the ref exists now; use it.
    const raced = statusOf(error) === 422 ? await findRef(ctx, branch) : undefined;
    if (raced === undefined) throw error;
    return {
      type: 'next',
      detail: `branch ${branch} exists at ${raced.slice(0, 12)}`,
      patch: { branch, base_sha: baseSha, head_sha: raced },
    };
  }
  return {
    type: 'next',
    detail: `branch ${branch} created at ${commit.sha.slice(0, 12)} (${file} changed)`,
    patch: { branch, base_sha: baseSha, head_sha: commit.sha },
  };
}
