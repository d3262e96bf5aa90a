import type { SandboxContext } from '../context.ts';
import { emitRepoEvent } from '../events.ts';
import { getCommit, ancestors } from '../git-objects.ts';
import { HttpError, invalid } from '../http-error.ts';
import { subscribesTo } from '../shapes/app.ts';
import { pullRequest } from '../shapes/pull.ts';
import { pushBody, pushRepository, type RefUpdate } from '../shapes/push.ts';
import type { RepoState } from '../state.ts';
import { ensureSuite } from './checks.ts';

/**
 * Points a ref at a commit, as a push does: refuses a non-fast-forward unless forced, sends
 * `push` (when the app subscribes to it), `pull_request synchronize` for open PRs with this head, asks the app for a check suite on a
 * new commit (`check_suite requested`), and starts the CI for those PRs.
 *
 * @example setRef(sb, repo, 'refs/heads/feature', sha, 'alice');
 */
export function setRef(
  sb: SandboxContext,
  repo: RepoState,
  ref: string,
  sha: string,
  actor: string,
  options: { force?: boolean; create?: boolean } = {},
): void {
  if (!getCommit(repo, sha)) throw invalid('Reference', 'sha', `Object does not exist: ${sha}`);
  const before = repo.refs[ref];
  if (options.create && before) throw new HttpError(422, 'Reference already exists');
  if (!options.create && !before) throw new HttpError(422, 'Reference does not exist');
  if (before === sha) return;
  if (before && !options.force && !ancestors(repo, sha).includes(before))
    throw new HttpError(422, 'Update is not a fast forward');
  repo.refs[ref] = sha;
  repo.pushedAt = sb.now();
  repo.updatedAt = sb.now();
  emitPush(sb, repo, { ref, before, after: sha, actor });
  if (!ref.startsWith('refs/heads/')) return;
  const branch = ref.slice('refs/heads/'.length);
  ensureSuite(sb, repo, sb.state.app.id, sha, branch, before ?? null);
  for (const issue of Object.values(repo.issues)) {
    const pull = issue.pull;
    if (!pull || issue.state !== 'open' || pull.headRef !== branch) continue;
    const previous = pull.headSha;
    pull.headSha = sha;
    issue.updatedAt = sb.now();
    emitRepoEvent(sb, repo, 'pull_request', actor, {
      action: 'synchronize',
      number: issue.number,
      before: previous,
      after: sha,
      pull_request: pullRequest(sb, repo, { ...issue, pull }),
    });
    sb.onPullHeadChanged(`${repo.owner}/${repo.name}`, sha, branch);
  }
}

/**
 * Deletes a ref (GitHub answers 422 "Reference does not exist" for a missing one) and sends
 * `push` with `deleted: true`.
 *
 * @example deleteRef(sb, repo, 'refs/heads/feature', 'alice');
 */
export function deleteRef(sb: SandboxContext, repo: RepoState, ref: string, actor: string): void {
  const before = repo.refs[ref];
  if (!before) throw new HttpError(422, 'Reference does not exist');
  delete repo.refs[ref];
  repo.pushedAt = sb.now();
  emitPush(sb, repo, { ref, before, after: undefined, actor });
}

/** GitHub sends `push` for every ref update, whichever API (or merge) made it. */
function emitPush(sb: SandboxContext, repo: RepoState, update: RefUpdate): void {
  if (!subscribesTo(sb.state.app, 'push')) return;
  emitRepoEvent(sb, repo, 'push', update.actor, {
    ...pushBody(sb, repo, update),
    repository: pushRepository(sb, repo),
  });
}
