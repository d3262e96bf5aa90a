import type { SandboxContext } from '../context.ts';
import { signatureFor } from '../events.ts';
import { buildTree, commitFiles, getCommit, threeWayMerge, writeCommit } from '../git-objects.ts';
import { HttpError } from '../http-error.ts';
import type { IssueState, PullExtra, RepoState } from '../state.ts';
import { openPull } from './pulls.ts';
import { setRef } from './refs.ts';

type Pull = IssueState & { pull: PullExtra };

/**
 * What GitHub's "Revert" button does: a `revert-<n>-<branch>` branch off the base with the
 * inverse of the merged change, and a PR for it. 422 when the PR is not merged or the revert
 * conflicts with later changes.
 *
 * @example revertPull(sb, repo, merged, 'ko[bot]').number
 */
export function revertPull(
  sb: SandboxContext,
  repo: RepoState,
  pr: Pull,
  actor: string,
  options: { title?: string; body?: string; draft?: boolean } = {},
): Pull {
  const mergeSha = pr.pull.mergeCommitSha;
  const merged = mergeSha ? getCommit(repo, mergeSha) : undefined;
  if (!merged || !pr.pull.mergedAt) throw new HttpError(422, 'Pull request is not merged');
  const baseTip = repo.refs[`refs/heads/${pr.pull.baseRef}`];
  if (!baseTip) throw new HttpError(422, 'Base branch was deleted');
  const result = threeWayMerge(
    commitFiles(repo, merged.sha),
    commitFiles(repo, baseTip),
    commitFiles(repo, merged.parents[0]),
  );
  if (result.conflicts.length > 0)
    throw new HttpError(
      422,
      `The revert of #${pr.number} conflicts with later changes: ${result.conflicts.join(', ')}`,
    );
  const title = `Revert "${pr.title}"`;
  const commit = writeCommit(repo, {
    tree: buildTree(repo, result.files),
    parents: [baseTip],
    message: `${title}\n\nThis reverts commit ${merged.sha}.`,
    author: signatureFor(sb, actor),
  });
  let branch = `revert-${pr.number}-${pr.pull.headRef}`;
  for (let n = 2; repo.refs[`refs/heads/${branch}`]; n++)
    branch = `revert-${pr.number}-${pr.pull.headRef}-${n}`;
  setRef(sb, repo, `refs/heads/${branch}`, commit.sha, actor, { create: true });
  return openPull(
    sb,
    repo,
    {
      head: branch,
      base: pr.pull.baseRef,
      title: options.title ?? title,
      body: options.body ?? `Reverts ${repo.owner}/${repo.name}#${pr.number}`,
      draft: options.draft ?? false,
    },
    actor,
  );
}
