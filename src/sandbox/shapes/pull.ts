import { computeMergeability } from '../actions/mergeability.ts';
import { pullCommits, pullFiles } from '../actions/pull-diff.ts';
import type { SandboxContext } from '../context.ts';
import type { IssueState, PullExtra, RepoState } from '../state.ts';
import { authorAssociation, issueLabels } from './issue.ts';
import { nodeId } from './node-id.ts';
import { fullRepository } from './repository.ts';
import { simpleUser } from './user.ts';

type Pull = IssueState & { pull: PullExtra };

function branchEnd(
  sb: SandboxContext,
  repo: RepoState,
  ref: string,
  sha: string,
): Record<string, unknown> {
  return {
    label: `${repo.owner}:${ref}`,
    ref,
    sha,
    user: simpleUser(sb, repo.owner),
    repo: fullRepository(sb, repo),
  };
}

/** The pull request's node id; GraphQL's revertPullRequest takes it back. */
export function pullNodeId(repo: RepoState, n: number): string {
  return nodeId('PR', `${repo.owner}/${repo.name}#${n}`);
}

/**
 * GitHub's `pull-request` with mergeability computed now (GitHub computes it in the background
 * and may answer `null` first; the stand-in always knows).
 *
 * @example pullRequest(sb, repo, pr).mergeable_state // 'clean'
 */
export function pullRequest(
  sb: SandboxContext,
  repo: RepoState,
  pr: Pull,
): Record<string, unknown> {
  const p = pr.pull;
  const full = `${repo.owner}/${repo.name}`;
  const api = `${sb.apiUrl}/repos/${full}/pulls/${pr.number}`;
  const issueApi = `${sb.apiUrl}/repos/${full}/issues/${pr.number}`;
  const html = `${sb.webUrl}/${full}/pull/${pr.number}`;
  const m = computeMergeability(repo, pr, p);
  const files = pullFiles(repo, p);
  const baseSha = m.baseSha ?? repo.refs[`refs/heads/${p.baseRef}`] ?? p.headSha;
  const link = (href: string): { href: string } => ({ href });
  return {
    url: api,
    id: p.id,
    node_id: pullNodeId(repo, pr.number),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issueApi,
    commits_url: `${api}/commits`,
    review_comments_url: `${api}/comments`,
    review_comment_url: `${sb.apiUrl}/repos/${full}/pulls/comments{/number}`,
    comments_url: `${issueApi}/comments`,
    statuses_url: `${sb.apiUrl}/repos/${full}/statuses/${p.headSha}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: simpleUser(sb, pr.user),
    body: pr.body,
    labels: issueLabels(sb, repo, pr),
    milestone: null,
    active_lock_reason: null,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.closedAt,
    merged_at: p.mergedAt,
    merge_commit_sha: p.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: branchEnd(sb, repo, p.headRef, p.headSha),
    base: branchEnd(sb, repo, p.baseRef, baseSha),
    _links: {
      self: link(api),
      html: link(html),
      issue: link(issueApi),
      comments: link(`${issueApi}/comments`),
      review_comments: link(`${api}/comments`),
      review_comment: link(`${sb.apiUrl}/repos/${full}/pulls/comments{/number}`),
      commits: link(`${api}/commits`),
      statuses: link(`${sb.apiUrl}/repos/${full}/statuses/${p.headSha}`),
    },
    author_association: authorAssociation(repo, pr.user),
    auto_merge: null,
    draft: p.draft,
    merged: p.mergedAt !== null,
    mergeable: m.mergeable,
    rebaseable: m.mergeable,
    mergeable_state: m.state,
    merged_by: p.mergedBy ? simpleUser(sb, p.mergedBy) : null,
    comments: Object.values(repo.comments).filter((c) => c.issueNumber === pr.number).length,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: pullCommits(repo, p).length,
    additions: files.reduce((a, f) => a + f.additions, 0),
    deletions: files.reduce((a, f) => a + f.deletions, 0),
    changed_files: files.length,
  };
}
