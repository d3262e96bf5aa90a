import { commitFiles, getCommit, mergeBase, threeWayMerge, type FlatTree } from '../git-objects.ts';
import { checkOutcome, latestRuns, latestStatuses } from '../repo-query.ts';
import type { IssueState, PullExtra, RepoState } from '../state.ts';

/** Whether and how a pull request could merge now, as GitHub's `mergeable` fields say it. */
interface Mergeability {
  mergeable: boolean | null;
  state: 'clean' | 'dirty' | 'blocked' | 'unstable' | 'draft' | 'unknown' | 'behind';
  conflicts: string[];
  /** the merged files, when there is no conflict */
  merged: FlatTree | null;
  baseSha: string | null;
  mergeBaseSha: string | null;
}

/**
 * Computes mergeability the way GitHub reports it: `dirty` on a conflict (the base changed a file
 * the head changed too), `blocked` while a required check is missing, pending or failed,
 * `unstable` when another check failed, `draft` for drafts, else `clean`.
 *
 * @example computeMergeability(repo, issue, pull).state // 'clean'
 */
export function computeMergeability(
  repo: RepoState,
  issue: IssueState,
  pull: PullExtra,
): Mergeability {
  const baseSha = repo.refs[`refs/heads/${pull.baseRef}`] ?? null;
  if (issue.state !== 'open' || !baseSha || !getCommit(repo, pull.headSha)) {
    return {
      mergeable: null,
      state: 'unknown',
      conflicts: [],
      merged: null,
      baseSha,
      mergeBaseSha: null,
    };
  }
  const base = mergeBase(repo, baseSha, pull.headSha) ?? null;
  const result = threeWayMerge(
    commitFiles(repo, base ?? undefined),
    commitFiles(repo, baseSha),
    commitFiles(repo, pull.headSha),
  );
  if (result.conflicts.length > 0) {
    return {
      mergeable: false,
      state: 'dirty',
      conflicts: result.conflicts,
      merged: null,
      baseSha,
      mergeBaseSha: base,
    };
  }
  const done = {
    mergeable: true,
    conflicts: [] as string[],
    merged: result.files,
    baseSha,
    mergeBaseSha: base,
  };
  if (pull.draft) return { ...done, state: 'draft' };
  const required = repo.requiredChecks.map((name) => checkOutcome(repo, pull.headSha, name));
  if (required.some((o) => o !== 'success')) return { ...done, state: 'blocked' };
  const failing =
    latestRuns(repo, pull.headSha).some(
      (r) =>
        r.status === 'completed' &&
        ['failure', 'timed_out', 'cancelled', 'action_required'].includes(r.conclusion ?? ''),
    ) ||
    latestStatuses(repo, pull.headSha).some((s) => s.state === 'failure' || s.state === 'error');
  return { ...done, state: failing ? 'unstable' : 'clean' };
}
