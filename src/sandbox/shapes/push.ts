import type { SandboxContext } from '../context.ts';
import { signatureFor } from '../events.ts';
import { ancestors, commitFiles, diffTrees, getCommit } from '../git-objects.ts';
import type { GitCommit, GitSignature, RepoState } from '../state.ts';
import { fullRepository } from './repository.ts';

/** What `before` or `after` says for a ref that did not exist on that side of the push. */
const ZERO_SHA = '0'.repeat(40);

/**
 * The push payload lists at most 2048 commits (the rest only through the compare API).
 * https://docs.github.com/en/webhooks/webhook-events-and-payloads#push
 */
const LISTED_COMMITS_CAP = 2048;

/** One ref update, as `setRef`/`deleteRef` saw it; a missing side is `undefined`. */
export interface RefUpdate {
  ref: string;
  before: string | undefined;
  after: string | undefined;
  actor: string;
}

function unixSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/**
 * The push event's `repository`: the full repository, except that GitHub sends `created_at` and
 * `pushed_at` as unix seconds there, the owner with `name`/`email`, and the legacy
 * `stargazers`, `master_branch` (and `organization` for org-owned repositories).
 *
 * @example pushRepository(sb, repo).created_at // 1764264600
 */
export function pushRepository(sb: SandboxContext, repo: RepoState): Record<string, unknown> {
  const full = fullRepository(sb, repo);
  const owner = full.owner as Record<string, unknown>;
  const org = sb.state.accounts[repo.owner]?.type === 'Organization';
  return {
    ...full,
    owner: {
      name: repo.owner,
      email: org ? null : signatureFor(sb, repo.owner).email,
      ...owner,
    },
    created_at: unixSeconds(repo.createdAt),
    pushed_at: unixSeconds(repo.pushedAt),
    custom_properties: {},
    stargazers: 0,
    master_branch: repo.defaultBranch,
    ...(org ? { organization: repo.owner } : {}),
  };
}

function person(sb: SandboxContext, sig: GitSignature): Record<string, unknown> {
  // `username` only when the name is a known login (GitHub matches by email; names are logins here).
  const known = sb.state.accounts[sig.name] !== undefined;
  return { name: sig.name, email: sig.email, ...(known ? { username: sig.name } : {}) };
}

/** A commit as push payloads list it, with the files it changed against its first parent. */
function pushCommit(
  sb: SandboxContext,
  repo: RepoState,
  c: GitCommit,
  distinct: boolean,
): Record<string, unknown> {
  const changes = diffTrees(commitFiles(repo, c.parents[0]), commitFiles(repo, c.sha));
  const paths = (status: string): string[] =>
    changes.filter((x) => x.status === status).map((x) => x.filename);
  return {
    id: c.sha,
    tree_id: c.tree,
    distinct,
    message: c.message,
    timestamp: c.committer.date,
    url: `${sb.webUrl}/${repo.owner}/${repo.name}/commit/${c.sha}`,
    author: person(sb, c.author),
    committer: person(sb, c.committer),
    added: paths('added'),
    removed: paths('removed'),
    modified: paths('modified'),
  };
}

/** Commits reachable from the other refs (what was pushed before, so not `distinct`). */
function reachableElsewhere(repo: RepoState, ref: string): Set<string> {
  const seen = new Set<string>();
  for (const [name, sha] of Object.entries(repo.refs))
    if (name !== ref) for (const a of ancestors(repo, sha)) seen.add(a);
  return seen;
}

function compareUrl(sb: SandboxContext, repo: RepoState, u: RefUpdate): string {
  const base = `${sb.webUrl}/${repo.owner}/${repo.name}/compare/`;
  if (!u.before) return `${base}${u.ref.replace(/^refs\/(heads|tags)\//, '')}`;
  return `${base}${u.before.slice(0, 12)}...${(u.after ?? ZERO_SHA).slice(0, 12)}`;
}

/**
 * The body of a `push` webhook for one ref update (without repository, sender, installation):
 * `commits` are those reachable from `after` and not from `before` (for a new ref: not from any
 * other ref), oldest first; `distinct` is false for commits another ref already had.
 *
 * @example pushBody(sb, repo, { ref: 'refs/heads/main', before: a, after: b, actor: 'alice' }).commits
 */
export function pushBody(
  sb: SandboxContext,
  repo: RepoState,
  u: RefUpdate,
): Record<string, unknown> {
  const after = u.after ? getCommit(repo, u.after) : undefined;
  const elsewhere = reachableElsewhere(repo, u.ref);
  const known = new Set(u.before ? ancestors(repo, u.before) : elsewhere);
  const pushed = u.after
    ? ancestors(repo, u.after)
        .filter((sha) => !known.has(sha))
        .reverse()
    : [];
  const commits = pushed
    .slice(-LISTED_COMMITS_CAP)
    .map((sha) => getCommit(repo, sha))
    .filter((c): c is GitCommit => c !== undefined)
    .map((c) => pushCommit(sb, repo, c, !elsewhere.has(c.sha)));
  const forced =
    u.before !== undefined && u.after !== undefined && !ancestors(repo, u.after).includes(u.before);
  const pusher = signatureFor(sb, u.actor);
  return {
    ref: u.ref,
    before: u.before ?? ZERO_SHA,
    after: u.after ?? ZERO_SHA,
    created: u.before === undefined,
    deleted: u.after === undefined,
    forced,
    base_ref: null,
    compare: compareUrl(sb, repo, u),
    commits,
    head_commit: after ? pushCommit(sb, repo, after, !elsewhere.has(after.sha)) : null,
    pusher: { name: pusher.name, email: pusher.email },
  };
}
