import { getCommit } from './git-objects.ts';
import { notFound } from './http-error.ts';
import type { CheckRunState, IssueState, RepoState, SandboxState, StatusState } from './state.ts';

/** The repository `owner/name` or a 404. */
export function findRepo(state: SandboxState, owner: string, name: string): RepoState {
  const repo = state.repos[`${owner}/${name}`.toLowerCase()];
  if (!repo) throw notFound();
  return repo;
}

/** The full ref name for a branch name, `heads/x` or `refs/heads/x`. */
function fullRefName(ref: string): string {
  if (ref.startsWith('refs/')) return ref;
  if (ref.startsWith('heads/') || ref.startsWith('tags/')) return `refs/${ref}`;
  return `refs/heads/${ref}`;
}

/**
 * The commit sha a `{ref}` parameter names: a sha, a branch, `heads/x`, `refs/heads/x` or a tag.
 *
 * @example resolveRef(repo, 'main') // '3f1c…'
 */
export function resolveRef(repo: RepoState, ref: string): string | undefined {
  if (/^[0-9a-f]{40}$/.test(ref) && getCommit(repo, ref)) return ref;
  const candidates = [fullRefName(ref), `refs/tags/${ref}`];
  for (const c of candidates) {
    const sha = repo.refs[c];
    if (sha) return sha;
  }
  if (/^[0-9a-f]{7,39}$/.test(ref))
    return Object.keys(repo.objects).find((s) => s.startsWith(ref) && getCommit(repo, s));
  return undefined;
}

/** The tip of a branch, or a 404 naming nothing (as GitHub does). */
export function branchSha(repo: RepoState, branch: string): string {
  const sha = repo.refs[`refs/heads/${branch}`];
  if (!sha) throw notFound();
  return sha;
}

/** The pull request numbered `n` (an issue with `pull`), or a 404. */
export function findPull(
  repo: RepoState,
  n: number | string,
): IssueState & { pull: NonNullable<IssueState['pull']> } {
  const issue = repo.issues[String(n)];
  if (!issue?.pull) throw notFound();
  return issue as IssueState & { pull: NonNullable<IssueState['pull']> };
}

/** The issue (or pull request) numbered `n`, or a 404. */
export function findIssue(repo: RepoState, n: number | string): IssueState {
  const issue = repo.issues[String(n)];
  if (!issue) throw notFound();
  return issue;
}

/** The newest check run per (app, name) on a commit. */
export function latestRuns(repo: RepoState, sha: string): CheckRunState[] {
  const byKey = new Map<string, CheckRunState>();
  for (const run of Object.values(repo.checkRuns)) {
    if (run.headSha !== sha) continue;
    const key = `${run.appId}/${run.name}`;
    const prev = byKey.get(key);
    if (!prev || prev.id < run.id) byKey.set(key, run);
  }
  return [...byKey.values()].sort((a, b) => a.id - b.id);
}

/** The newest status per context on a commit. */
export function latestStatuses(repo: RepoState, sha: string): StatusState[] {
  const byContext = new Map<string, StatusState>();
  for (const s of repo.statuses) {
    if (s.sha !== sha) continue;
    const prev = byContext.get(s.context);
    if (!prev || prev.id < s.id) byContext.set(s.context, s);
  }
  return [...byContext.values()];
}

/** GitHub's combined state of commit statuses: failure beats pending beats success. */
export function combinedState(statuses: StatusState[]): 'failure' | 'pending' | 'success' {
  if (statuses.some((s) => s.state === 'failure' || s.state === 'error')) return 'failure';
  if (statuses.length === 0 || statuses.some((s) => s.state === 'pending')) return 'pending';
  return 'success';
}

/** How one named check stands on a commit, from check runs or statuses of that name. */
export function checkOutcome(
  repo: RepoState,
  sha: string,
  name: string,
): 'success' | 'failure' | 'pending' | 'missing' {
  const run = latestRuns(repo, sha)
    .filter((r) => r.name === name)
    .at(-1);
  if (run) {
    if (run.status !== 'completed') return 'pending';
    return ['success', 'neutral', 'skipped'].includes(run.conclusion ?? '') ? 'success' : 'failure';
  }
  const status = latestStatuses(repo, sha).find((s) => s.context === name);
  if (!status) return 'missing';
  if (status.state === 'pending') return 'pending';
  return status.state === 'success' ? 'success' : 'failure';
}
