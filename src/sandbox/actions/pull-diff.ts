import { ancestors, commitFiles, diffTrees, getBlob, mergeBase } from '../git-objects.ts';
import type { PullExtra, RepoState } from '../state.ts';

/** One file a pull request changes, with line counts. */
interface PullFile {
  filename: string;
  status: 'added' | 'removed' | 'modified';
  sha: string;
  additions: number;
  deletions: number;
}

function lines(repo: RepoState, sha: string | undefined): string[] {
  const blob = sha ? getBlob(repo, sha) : undefined;
  if (!blob) return [];
  const text = Buffer.from(blob.content, 'base64').toString('utf8');
  return text.length === 0 ? [] : text.replace(/\n$/, '').split('\n');
}

/** Lines only in `after` and lines only in `before`, counted as multisets (not a real diff). */
function lineCounts(before: string[], after: string[]): { additions: number; deletions: number } {
  const pool = new Map<string, number>();
  for (const l of before) pool.set(l, (pool.get(l) ?? 0) + 1);
  let additions = 0;
  for (const l of after) {
    const n = pool.get(l) ?? 0;
    if (n > 0) pool.set(l, n - 1);
    else additions += 1;
  }
  const deletions = [...pool.values()].reduce((a, b) => a + b, 0);
  return { additions, deletions };
}

/**
 * The files a pull request changes: head compared with its merge base against the base branch.
 *
 * @example pullFiles(repo, pull).map((f) => f.filename) // ['README.md']
 */
export function pullFiles(repo: RepoState, pull: PullExtra): PullFile[] {
  const baseTip = repo.refs[`refs/heads/${pull.baseRef}`];
  const base = baseTip ? mergeBase(repo, baseTip, pull.headSha) : undefined;
  const changes = diffTrees(commitFiles(repo, base), commitFiles(repo, pull.headSha));
  return changes.map((c) => ({
    filename: c.filename,
    status: c.status,
    sha: c.sha,
    ...lineCounts(lines(repo, c.before), c.status === 'removed' ? [] : lines(repo, c.sha)),
  }));
}

/** The commits on the head that the base branch does not have, oldest first. */
export function pullCommits(repo: RepoState, pull: PullExtra): string[] {
  const baseTip = repo.refs[`refs/heads/${pull.baseRef}`];
  const onBase = new Set(baseTip ? ancestors(repo, baseTip) : []);
  return ancestors(repo, pull.headSha)
    .filter((sha) => !onBase.has(sha))
    .reverse();
}
