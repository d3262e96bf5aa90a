import type { SandboxContext } from '../context.ts';
import { emitRepoEvent } from '../events.ts';
import { HttpError, invalid, notFound } from '../http-error.ts';
import { issue as issueShape, issueComment, label as labelShape } from '../shapes/issue.ts';
import { pullRequest } from '../shapes/pull.ts';
import type { CommentState, IssueState, LabelState, RepoState } from '../state.ts';
import { nextId } from '../state.ts';

/** The repository label `name`, created (with a `label created` event) when missing. */
export function ensureLabel(
  sb: SandboxContext,
  repo: RepoState,
  name: string,
  actor: string,
  color = 'ededed',
  description: string | null = null,
): LabelState {
  const key = name.toLowerCase();
  const existing = repo.labels[key];
  if (existing) return existing;
  const created: LabelState = { id: nextId(sb.state), name, color, description, default: false };
  repo.labels[key] = created;
  emitRepoEvent(sb, repo, 'label', actor, {
    action: 'created',
    label: labelShape(sb, repo, created),
  });
  return created;
}

function labelEvent(
  sb: SandboxContext,
  repo: RepoState,
  issue: IssueState,
  action: 'labeled' | 'unlabeled',
  l: LabelState,
  actor: string,
): void {
  const l2 = labelShape(sb, repo, l);
  if (issue.pull) {
    emitRepoEvent(sb, repo, 'pull_request', actor, {
      action,
      number: issue.number,
      pull_request: pullRequest(sb, repo, { ...issue, pull: issue.pull }),
      label: l2,
    });
  } else {
    emitRepoEvent(sb, repo, 'issues', actor, {
      action,
      issue: issueShape(sb, repo, issue),
      label: l2,
    });
  }
}

/**
 * Adds labels to an issue or PR (creating missing repo labels); one `labeled` event per new label.
 *
 * @example addLabels(sb, repo, issue, ['ko:merge'], 'alice');
 */
export function addLabels(
  sb: SandboxContext,
  repo: RepoState,
  issue: IssueState,
  names: string[],
  actor: string,
): void {
  for (const name of names) {
    if (typeof name !== 'string' || name.length === 0)
      throw invalid('Label', 'name', 'name is missing', 'missing_field');
    const l = ensureLabel(sb, repo, name, actor);
    if (issue.labels.some((n) => n.toLowerCase() === l.name.toLowerCase())) continue;
    issue.labels.push(l.name);
    issue.updatedAt = sb.now();
    labelEvent(sb, repo, issue, 'labeled', l, actor);
  }
}

/** Removes one label; 404 "Label does not exist" when the issue lacks it (as GitHub answers). */
export function removeLabel(
  sb: SandboxContext,
  repo: RepoState,
  issue: IssueState,
  name: string,
  actor: string,
): void {
  const index = issue.labels.findIndex((n) => n.toLowerCase() === name.toLowerCase());
  const l = repo.labels[name.toLowerCase()];
  if (index < 0 || !l) throw new HttpError(404, 'Label does not exist');
  issue.labels.splice(index, 1);
  issue.updatedAt = sb.now();
  labelEvent(sb, repo, issue, 'unlabeled', l, actor);
}

/** Creates an issue comment and sends `issue_comment created`. */
export function createComment(
  sb: SandboxContext,
  repo: RepoState,
  issue: IssueState,
  body: unknown,
  actor: string,
): CommentState {
  if (typeof body !== 'string' || body.length === 0)
    throw invalid('IssueComment', 'body', 'body is missing', 'missing_field');
  // GitHub refuses comment bodies over 65,536 characters (issue 5's splitting rule exists for this).
  if (body.length > 65536)
    throw invalid('IssueComment', 'body', 'Body is too long (maximum is 65536 characters)');
  const comment: CommentState = {
    id: nextId(sb.state),
    issueNumber: issue.number,
    body,
    user: actor,
    createdAt: sb.now(),
    updatedAt: sb.now(),
    reactions: [],
  };
  repo.comments[String(comment.id)] = comment;
  issue.updatedAt = sb.now();
  emitRepoEvent(sb, repo, 'issue_comment', actor, {
    action: 'created',
    issue: issueShape(sb, repo, issue),
    comment: issueComment(sb, repo, comment),
  });
  return comment;
}

/** Edits a comment and sends `issue_comment edited` with the old body under `changes`. */
export function editComment(
  sb: SandboxContext,
  repo: RepoState,
  comment: CommentState,
  body: unknown,
  actor: string,
): CommentState {
  if (typeof body !== 'string' || body.length === 0)
    throw invalid('IssueComment', 'body', 'body is missing', 'missing_field');
  if (body.length > 65536)
    throw invalid('IssueComment', 'body', 'Body is too long (maximum is 65536 characters)');
  const issue = repo.issues[String(comment.issueNumber)];
  if (!issue) throw notFound();
  const old = comment.body;
  comment.body = body;
  comment.updatedAt = sb.now();
  emitRepoEvent(sb, repo, 'issue_comment', actor, {
    action: 'edited',
    changes: { body: { from: old } },
    issue: issueShape(sb, repo, issue),
    comment: issueComment(sb, repo, comment),
  });
  return comment;
}
