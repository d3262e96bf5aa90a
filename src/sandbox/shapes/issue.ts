import type { SandboxContext } from '../context.ts';
import type { CommentState, IssueState, LabelState, ReactionState, RepoState } from '../state.ts';
import { nodeId } from './node-id.ts';
import { simpleUser } from './user.ts';

function repoApi(sb: SandboxContext, repo: RepoState): string {
  return `${sb.apiUrl}/repos/${repo.owner}/${repo.name}`;
}

/** GitHub's `label`. */
export function label(sb: SandboxContext, repo: RepoState, l: LabelState): Record<string, unknown> {
  return {
    id: l.id,
    node_id: nodeId('LA', l.id),
    url: `${repoApi(sb, repo)}/labels/${encodeURIComponent(l.name)}`,
    name: l.name,
    description: l.description,
    color: l.color,
    default: l.default,
  };
}

/** The labels of an issue, in the order they were added. */
export function issueLabels(
  sb: SandboxContext,
  repo: RepoState,
  issue: IssueState,
): Record<string, unknown>[] {
  return issue.labels.flatMap((name) => {
    const l = repo.labels[name.toLowerCase()];
    return l ? [label(sb, repo, l)] : [];
  });
}

/** The reactions summary GitHub puts on issues and comments. */
function reactionRollup(url: string, reactions: ReactionState[]): Record<string, unknown> {
  const count = (c: string): number => reactions.filter((r) => r.content === c).length;
  return {
    url,
    total_count: reactions.length,
    '+1': count('+1'),
    '-1': count('-1'),
    laugh: count('laugh'),
    hooray: count('hooray'),
    confused: count('confused'),
    heart: count('heart'),
    rocket: count('rocket'),
    eyes: count('eyes'),
  };
}

/**
 * GitHub's `issue` (a pull request's issue carries `pull_request` links).
 *
 * @example issue(sb, repo, repo.issues['1']).number // 1
 */
export function issue(sb: SandboxContext, repo: RepoState, i: IssueState): Record<string, unknown> {
  const api = `${repoApi(sb, repo)}/issues/${i.number}`;
  const html = `${sb.webUrl}/${repo.owner}/${repo.name}/${i.pull ? 'pull' : 'issues'}/${i.number}`;
  const comments = Object.values(repo.comments).filter((c) => c.issueNumber === i.number).length;
  const shaped: Record<string, unknown> = {
    id: i.id,
    node_id: nodeId(i.pull ? 'I' : 'I', i.id),
    url: api,
    repository_url: repoApi(sb, repo),
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: html,
    number: i.number,
    state: i.state,
    state_reason: i.state === 'closed' ? 'completed' : null,
    title: i.title,
    body: i.body,
    user: simpleUser(sb, i.user),
    labels: issueLabels(sb, repo, i),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments,
    closed_at: i.closedAt,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    closed_by: null,
    author_association: authorAssociation(repo, i.user),
    reactions: reactionRollup(`${api}/reactions`, []),
    timeline_url: `${api}/timeline`,
    performed_via_github_app: null,
  };
  if (i.pull) {
    const pulls = `${repoApi(sb, repo)}/pulls/${i.number}`;
    shaped.pull_request = {
      url: pulls,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      merged_at: i.pull.mergedAt,
    };
    shaped.draft = i.pull.draft;
  }
  return shaped;
}

/** GitHub's `author_association` for a login on this repository. */
export function authorAssociation(repo: RepoState, login: string): string {
  if (login === repo.owner) return 'OWNER';
  const p = repo.permissions[login];
  if (p === 'admin' || p === 'write') return 'MEMBER';
  if (p === 'read') return 'COLLABORATOR';
  return 'NONE';
}

/** GitHub's `issue-comment`. */
export function issueComment(
  sb: SandboxContext,
  repo: RepoState,
  c: CommentState,
): Record<string, unknown> {
  const api = `${repoApi(sb, repo)}/issues/comments/${c.id}`;
  const issueRecord = repo.issues[String(c.issueNumber)];
  const kind = issueRecord?.pull ? 'pull' : 'issues';
  return {
    id: c.id,
    node_id: nodeId('IC', c.id),
    url: api,
    html_url: `${sb.webUrl}/${repo.owner}/${repo.name}/${kind}/${c.issueNumber}#issuecomment-${c.id}`,
    issue_url: `${repoApi(sb, repo)}/issues/${c.issueNumber}`,
    body: c.body,
    user: simpleUser(sb, c.user),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    author_association: authorAssociation(repo, c.user),
    performed_via_github_app: null,
    reactions: reactionRollup(`${api}/reactions`, c.reactions),
  };
}

/** GitHub's `reaction`. */
export function reaction(sb: SandboxContext, r: ReactionState): Record<string, unknown> {
  return {
    id: r.id,
    node_id: nodeId('REA', r.id),
    user: simpleUser(sb, r.user),
    content: r.content,
    created_at: r.createdAt,
  };
}
