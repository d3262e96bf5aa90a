import { createHash } from 'node:crypto';
import type { GitBlob, GitCommit, GitSignature, GitTree, RepoState, TreeEntry } from './state.ts';

/** A file in a flattened tree: its full path mapped to mode and blob sha. */
export interface FlatEntry {
  mode: string;
  sha: string;
}

export type FlatTree = Map<string, FlatEntry>;

function gitHash(kind: string, body: Buffer): string {
  return createHash('sha1').update(`${kind} ${body.length}\0`).update(body).digest('hex');
}

/**
 * Stores a blob and returns it; the sha is git's own (`blob <len>\0<bytes>`), so it matches
 * what `git hash-object` prints for the same bytes.
 *
 * @example writeBlob(repo, Buffer.from('hi\n')).sha // '45b983be36b73c0788dc9cbcb76cbb80fc7bb057'
 */
export function writeBlob(repo: RepoState, bytes: Buffer): GitBlob {
  const sha = gitHash('blob', bytes);
  const blob: GitBlob = {
    type: 'blob',
    sha,
    content: bytes.toString('base64'),
    size: bytes.length,
  };
  repo.objects[sha] = blob;
  return blob;
}

/** Stores one tree level (entries sorted the way git sorts them). */
function writeTree(repo: RepoState, entries: TreeEntry[]): GitTree {
  const sorted = [...entries].sort((a, b) => byteCompare(sortKey(a), sortKey(b)));
  const body = Buffer.concat(
    sorted.map((e) =>
      Buffer.concat([
        Buffer.from(`${e.mode.replace(/^0+/, '')} ${e.path}\0`),
        Buffer.from(e.sha, 'hex'),
      ]),
    ),
  );
  const sha = gitHash('tree', body);
  const tree: GitTree = { type: 'tree', sha, entries: sorted };
  repo.objects[sha] = tree;
  return tree;
}

function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function sortKey(e: TreeEntry): string {
  return e.type === 'tree' ? `${e.path}/` : e.path;
}

/** Stores a commit; the sha follows git's commit encoding. */
export function writeCommit(
  repo: RepoState,
  input: {
    tree: string;
    parents: string[];
    message: string;
    author: GitSignature;
    committer?: GitSignature;
  },
): GitCommit {
  const committer = input.committer ?? input.author;
  const sig = (s: GitSignature): string =>
    `${s.name} <${s.email}> ${Math.floor(Date.parse(s.date) / 1000)} +0000`;
  const text = [
    `tree ${input.tree}`,
    ...input.parents.map((p) => `parent ${p}`),
    `author ${sig(input.author)}`,
    `committer ${sig(committer)}`,
    '',
    input.message,
  ].join('\n');
  const sha = gitHash('commit', Buffer.from(text));
  const commit: GitCommit = {
    type: 'commit',
    sha,
    tree: input.tree,
    parents: input.parents,
    message: input.message,
    author: input.author,
    committer,
  };
  repo.objects[sha] = commit;
  return commit;
}

export function getCommit(repo: RepoState, sha: string): GitCommit | undefined {
  const o = repo.objects[sha];
  return o?.type === 'commit' ? o : undefined;
}

export function getTree(repo: RepoState, sha: string): GitTree | undefined {
  const o = repo.objects[sha];
  return o?.type === 'tree' ? o : undefined;
}

export function getBlob(repo: RepoState, sha: string): GitBlob | undefined {
  const o = repo.objects[sha];
  return o?.type === 'blob' ? o : undefined;
}

/** Every file below a tree, keyed by its full path. */
export function flattenTree(
  repo: RepoState,
  treeSha: string,
  prefix = '',
  out: FlatTree = new Map(),
): FlatTree {
  const tree = getTree(repo, treeSha);
  if (!tree) return out;
  for (const e of tree.entries) {
    const path = prefix ? `${prefix}/${e.path}` : e.path;
    if (e.type === 'tree') flattenTree(repo, e.sha, path, out);
    else out.set(path, { mode: e.mode, sha: e.sha });
  }
  return out;
}

/** Writes nested trees for a flat file map and returns the root tree sha. */
export function buildTree(repo: RepoState, files: FlatTree): string {
  const children = new Map<string, FlatTree>();
  const entries: TreeEntry[] = [];
  for (const [path, entry] of files) {
    const slash = path.indexOf('/');
    if (slash < 0) {
      entries.push({ path, mode: entry.mode, type: 'blob', sha: entry.sha });
      continue;
    }
    const dir = path.slice(0, slash);
    const sub = children.get(dir) ?? new Map<string, FlatEntry>();
    sub.set(path.slice(slash + 1), entry);
    children.set(dir, sub);
  }
  for (const [dir, sub] of children)
    entries.push({ path: dir, mode: '040000', type: 'tree', sha: buildTree(repo, sub) });
  return writeTree(repo, entries).sha;
}

/** The commits reachable from `sha` (itself included), nearest first. */
export function ancestors(repo: RepoState, sha: string): string[] {
  const seen = new Set<string>();
  const queue = [sha];
  const order: string[] = [];
  while (queue.length > 0) {
    const next = queue.shift() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    order.push(next);
    queue.push(...(getCommit(repo, next)?.parents ?? []));
  }
  return order;
}

/** The nearest common ancestor of two commits, or `undefined` for unrelated histories. */
export function mergeBase(repo: RepoState, a: string, b: string): string | undefined {
  const fromA = new Set(ancestors(repo, a));
  return ancestors(repo, b).find((sha) => fromA.has(sha));
}

/** Result of a file-level three-way merge: the merged files, or the paths changed on both sides. */
interface MergeResult {
  files: FlatTree;
  conflicts: string[];
}

/**
 * Three-way merge by whole files: a path changed differently on both sides is a conflict (the
 * stand-in does not merge inside files, which is stricter than git and fine for tests).
 *
 * @example threeWayMerge(base, ours, theirs).conflicts // ['README.md']
 */
export function threeWayMerge(base: FlatTree, ours: FlatTree, theirs: FlatTree): MergeResult {
  const files: FlatTree = new Map();
  const conflicts: string[] = [];
  const paths = new Set([...base.keys(), ...ours.keys(), ...theirs.keys()]);
  for (const path of paths) {
    const b = base.get(path)?.sha;
    const o = ours.get(path);
    const t = theirs.get(path);
    let pick: FlatEntry | undefined;
    if (o?.sha === t?.sha) pick = o;
    else if (o?.sha === b) pick = t;
    else if (t?.sha === b) pick = o;
    else {
      conflicts.push(path);
      pick = o;
    }
    if (pick) files.set(path, pick);
  }
  return { files, conflicts: conflicts.sort() };
}

/** The files of a commit, flattened (empty for an unknown commit). */
export function commitFiles(repo: RepoState, sha: string | undefined): FlatTree {
  const commit = sha ? getCommit(repo, sha) : undefined;
  return commit ? flattenTree(repo, commit.tree) : new Map();
}

/** One changed path between two flat trees. */
interface FileChange {
  filename: string;
  status: 'added' | 'removed' | 'modified';
  sha: string;
  before?: string;
}

/** The paths that differ between two trees, sorted. */
export function diffTrees(before: FlatTree, after: FlatTree): FileChange[] {
  const changes: FileChange[] = [];
  for (const [path, entry] of after) {
    const old = before.get(path);
    if (!old) changes.push({ filename: path, status: 'added', sha: entry.sha });
    else if (old.sha !== entry.sha)
      changes.push({ filename: path, status: 'modified', sha: entry.sha, before: old.sha });
  }
  for (const [path, entry] of before) {
    if (!after.has(path))
      changes.push({ filename: path, status: 'removed', sha: entry.sha, before: entry.sha });
  }
  return changes.sort((a, b) => a.filename.localeCompare(b.filename));
}
