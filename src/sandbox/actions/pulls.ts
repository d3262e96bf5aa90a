import type { SandboxContext } from '../context.ts';
import { emitRepoEvent, signatureFor } from '../events.ts';
import { buildTree, commitFiles, getCommit, threeWayMerge, writeCommit } from '../git-objects.ts';
import { HttpError, invalid } from '../http-error.ts';
import { pullRequest } from '../shapes/pull.ts';
import type { IssueState, PullExtra, RepoState } from '../state.ts';
import { nextId } from '../state.ts';
import { computeMergeability } from './mergeability.ts';
import { pullCommits } from './pull-diff.ts';
import { setRef } from './refs.ts';

type Pull = IssueState & { pull: PullExtra };

interface OpenPullInput {
  head: string;
  base: string;
  title: string;
  body?: string | null;
  draft?: boolean;
}

/**
 * Opens a pull request and sends `pull_request opened`; the CI (if configured) starts.
 *
 * @example openPull(sb, repo, { head: 'feature', base: 'main', title: 'Add x' }, 'alice');
 */
export function openPull(
  sb: SandboxContext,
  repo: RepoState,
  input: OpenPullInput,
  actor: string,
): Pull {
  const head = input.head.includes(':') ? (input.head.split(':')[1] ?? '') : input.head;
  if (!input.title) throw invalid('PullRequest', 'title', 'title is missing', 'missing_field');
  const headSha = repo.refs[`refs/heads/${head}`];
  if (!headSha) throw invalid('PullRequest', 'head', 'head is invalid');
  const baseSha = repo.refs[`refs/heads/${input.base}`];
  if (!baseSha) throw invalid('PullRequest', 'base', 'base is invalid');
  const dup = Object.values(repo.issues).find(
    (i) => i.state === 'open' && i.pull?.headRef === head && i.pull.baseRef === input.base,
  );
  if (dup)
    throw new HttpError(422, 'Validation Failed', [
      {
        resource: 'PullRequest',
        field: 'head',
        code: 'custom',
        message: `A pull request already exists for ${repo.owner}:${head}.`,
      },
    ]);
  const extra: PullExtra = {
    id: nextId(sb.state),
    headRef: head,
    headSha,
    baseRef: input.base,
    draft: input.draft ?? false,
    mergedAt: null,
    mergeCommitSha: null,
    mergedBy: null,
  };
  if (pullCommits(repo, extra).length === 0) {
    throw new HttpError(422, 'Validation Failed', [
      {
        resource: 'PullRequest',
        field: 'head',
        code: 'custom',
        message: `No commits between ${input.base} and ${head}`,
      },
    ]);
  }
  const number = repo.nextNumber++;
  const issue: Pull = {
    number,
    id: nextId(sb.state),
    title: input.title,
    body: input.body ?? null,
    user: actor,
    state: 'open',
    labels: [],
    createdAt: sb.now(),
    updatedAt: sb.now(),
    closedAt: null,
    pull: extra,
  };
  repo.issues[String(number)] = issue;
  emitRepoEvent(sb, repo, 'pull_request', actor, {
    action: 'opened',
    number,
    pull_request: pullRequest(sb, repo, issue),
  });
  sb.onPullHeadChanged(`${repo.owner}/${repo.name}`, headSha, head);
  return issue;
}

interface UpdatePullInput {
  title?: string;
  body?: string | null;
  state?: 'open' | 'closed';
  base?: string;
}

/** Applies a PATCH: `edited` for title/body/base changes, then `closed` or `reopened`. */
export function updatePull(
  sb: SandboxContext,
  repo: RepoState,
  pr: Pull,
  input: UpdatePullInput,
  actor: string,
): Pull {
  const changes: Record<string, unknown> = {};
  if (input.title !== undefined && input.title !== pr.title) {
    changes.title = { from: pr.title };
    pr.title = input.title;
  }
  if (input.body !== undefined && input.body !== pr.body) {
    changes.body = { from: pr.body ?? '' };
    pr.body = input.body;
  }
  if (input.base !== undefined && input.base !== pr.pull.baseRef) {
    if (!repo.refs[`refs/heads/${input.base}`])
      throw invalid('PullRequest', 'base', 'Proposed base branch was not found');
    changes.base = {
      ref: { from: pr.pull.baseRef },
      sha: { from: repo.refs[`refs/heads/${pr.pull.baseRef}`] ?? '' },
    };
    pr.pull.baseRef = input.base;
  }
  if (Object.keys(changes).length > 0) {
    pr.updatedAt = sb.now();
    emitRepoEvent(sb, repo, 'pull_request', actor, {
      action: 'edited',
      number: pr.number,
      changes,
      pull_request: pullRequest(sb, repo, pr),
    });
  }
  if (input.state && input.state !== pr.state) {
    if (pr.pull.mergedAt)
      throw invalid('PullRequest', 'state', 'Cannot change the state of a merged pull request');
    pr.state = input.state;
    pr.closedAt = input.state === 'closed' ? sb.now() : null;
    pr.updatedAt = sb.now();
    const action = input.state === 'closed' ? 'closed' : 'reopened';
    emitRepoEvent(sb, repo, 'pull_request', actor, {
      action,
      number: pr.number,
      pull_request: pullRequest(sb, repo, pr),
    });
  }
  return pr;
}

export interface MergeInput {
  method?: 'merge' | 'squash' | 'rebase';
  sha?: string;
  commitTitle?: string;
  commitMessage?: string;
}

/**
 * Merges like `PUT /pulls/{n}/merge`: 409 when `sha` is not the head, 405 when the PR is closed,
 * conflicting or blocked by a required check. Moves the base branch, closes the PR, and sends
 * `pull_request closed` with `merged: true`.
 *
 * @example mergePull(sb, repo, pr, { method: 'squash', sha: pr.pull.headSha }, 'ko[bot]').sha
 */
export function mergePull(
  sb: SandboxContext,
  repo: RepoState,
  pr: Pull,
  input: MergeInput,
  actor: string,
): { sha: string; message: string } {
  const method = input.method ?? 'merge';
  if (!['merge', 'squash', 'rebase'].includes(method))
    throw invalid('PullRequest', 'merge_method', 'merge_method is not included in the list');
  if (pr.state !== 'open') throw new HttpError(405, 'Pull Request is not mergeable');
  if (input.sha && input.sha !== pr.pull.headSha)
    throw new HttpError(409, 'Head branch was modified. Review and try the merge again.');
  const m = computeMergeability(repo, pr, pr.pull);
  if (m.state === 'dirty' || !m.merged || !m.baseSha)
    throw new HttpError(405, 'Pull Request is not mergeable');
  if (m.state === 'draft') throw new HttpError(405, 'Pull Request is still a draft');
  if (m.state === 'blocked')
    throw new HttpError(405, 'Required status checks have not succeeded', undefined);
  const sig = signatureFor(sb, actor);
  const commits = pullCommits(repo, pr.pull);
  let sha: string;
  if (method === 'rebase') {
    sha = m.baseSha;
    for (const c of commits) {
      const commit = getCommit(repo, c);
      if (!commit) continue;
      const parent = commit.parents[0];
      const merged = threeWayMerge(
        commitFiles(repo, parent),
        commitFiles(repo, sha),
        commitFiles(repo, c),
      );
      if (merged.conflicts.length > 0) throw new HttpError(405, "This branch can't be rebased");
      sha = writeCommit(repo, {
        tree: buildTree(repo, merged.files),
        parents: [sha],
        message: commit.message,
        author: commit.author,
        committer: sig,
      }).sha;
    }
  } else {
    const title =
      input.commitTitle ??
      (method === 'squash'
        ? `${pr.title} (#${pr.number})`
        : `Merge pull request #${pr.number} from ${repo.owner}/${pr.pull.headRef}`);
    const details =
      input.commitMessage ??
      (method === 'squash'
        ? commits.map((c) => `* ${getCommit(repo, c)?.message ?? ''}`).join('\n\n')
        : pr.title);
    const parents = method === 'squash' ? [m.baseSha] : [m.baseSha, pr.pull.headSha];
    sha = writeCommit(repo, {
      tree: buildTree(repo, m.merged),
      parents,
      message: details ? `${title}\n\n${details}` : title,
      author: sig,
    }).sha;
  }
  pr.pull.mergedAt = sb.now();
  pr.pull.mergedBy = actor;
  pr.pull.mergeCommitSha = sha;
  pr.state = 'closed';
  pr.closedAt = sb.now();
  pr.updatedAt = sb.now();
  setRef(sb, repo, `refs/heads/${pr.pull.baseRef}`, sha, actor, { force: true });
  emitRepoEvent(sb, repo, 'pull_request', actor, {
    action: 'closed',
    number: pr.number,
    pull_request: pullRequest(sb, repo, pr),
  });
  return { sha, message: 'Pull Request successfully merged' };
}
