import { deleteRef, setRef } from '../actions/refs.ts';
import type { RequestContext } from '../context.ts';
import { signatureFor } from '../events.ts';
import {
  buildTree,
  flattenTree,
  getBlob,
  getCommit,
  getTree,
  writeBlob,
  writeCommit,
  type FlatTree,
} from '../git-objects.ts';
import { HttpError, invalid, notFound } from '../http-error.ts';
import type { RouteRequest, Router } from '../router.ts';
import { gitCommit, gitRef, gitTree } from '../shapes/git.ts';
import { nodeId } from '../shapes/node-id.ts';
import type { GitSignature, RepoState } from '../state.ts';
import { bodyOf, json, repoFor, requireString } from './common.ts';

function refParam(req: RouteRequest): string {
  const ref = req.params.ref ?? '';
  return ref.startsWith('refs/') ? ref : `refs/${ref}`;
}

function readSignature(
  sb: RequestContext['sb'],
  value: unknown,
  fallback: GitSignature,
): GitSignature {
  if (!value || typeof value !== 'object') return fallback;
  const v = value as Record<string, unknown>;
  return {
    name: typeof v.name === 'string' ? v.name : fallback.name,
    email: typeof v.email === 'string' ? v.email : fallback.email,
    date:
      typeof v.date === 'string'
        ? new Date(v.date).toISOString().replace(/\.\d{3}Z$/, 'Z')
        : sb.now(),
  };
}

/** Applies POST /git/trees entries onto a base (sha null deletes, `content` writes a blob, a tree sha grafts a folder). */
function applyTreeEntries(repo: RepoState, base: FlatTree, entries: unknown): FlatTree {
  if (!Array.isArray(entries))
    throw invalid('Tree', 'tree', 'tree must be an array', 'missing_field');
  const files = new Map(base);
  for (const raw of entries as Record<string, unknown>[]) {
    const path = typeof raw?.path === 'string' ? raw.path : '';
    if (!path) throw invalid('Tree', 'tree.path', 'path is missing', 'missing_field');
    const mode = typeof raw.mode === 'string' ? raw.mode : '100644';
    if (raw.sha === null) {
      for (const key of [...files.keys()])
        if (key === path || key.startsWith(`${path}/`)) files.delete(key);
      continue;
    }
    if (typeof raw.content === 'string') {
      files.set(path, { mode, sha: writeBlob(repo, Buffer.from(raw.content, 'utf8')).sha });
      continue;
    }
    const sha = typeof raw.sha === 'string' ? raw.sha : '';
    if (raw.type === 'tree' || mode === '040000') {
      if (!getTree(repo, sha)) throw invalid('Tree', 'tree.sha', `${sha} is not a valid tree`);
      for (const [sub, entry] of flattenTree(repo, sha)) files.set(`${path}/${sub}`, entry);
      continue;
    }
    if (!getBlob(repo, sha)) throw invalid('Tree', 'tree.sha', `${sha} is not a valid blob`);
    files.set(path, { mode, sha });
  }
  return files;
}

/** The entries GET /git/trees answers: one level, or every blob and folder with `recursive`. */
function listEntries(
  repo: RepoState,
  treeSha: string,
  recursive: boolean,
  prefix = '',
): { path: string; mode: string; type: 'blob' | 'tree'; sha: string; size?: number }[] {
  const tree = getTree(repo, treeSha);
  if (!tree) return [];
  return tree.entries.flatMap((e) => {
    const path = prefix ? `${prefix}/${e.path}` : e.path;
    const self = { path, mode: e.mode, type: e.type, sha: e.sha, size: getBlob(repo, e.sha)?.size };
    return recursive && e.type === 'tree'
      ? [self, ...listEntries(repo, e.sha, true, path)]
      : [self];
  });
}

/**
 * Git data routes: refs, blobs, trees and commits.
 *
 * @example addGitRoutes(router);
 */
export function addGitRoutes(router: Router<RequestContext>): void {
  const auth = { auth: 'installation' } as const;
  const base = '/repos/:owner/:repo/git';

  router.add('GET', `${base}/refs`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    return json(
      200,
      Object.entries(repo.refs).map(([ref, sha]) => gitRef(ctx.sb, repo, ref, sha)),
    );
  });
  router.add('GET', `${base}/matching-refs/*ref`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const prefix = refParam(req);
    const refs = Object.entries(repo.refs).filter(([ref]) => ref.startsWith(prefix));
    return json(
      200,
      refs.map(([ref, sha]) => gitRef(ctx.sb, repo, ref, sha)),
    );
  });
  router.add('GET', `${base}/ref/*ref`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const ref = refParam(req);
    const sha = repo.refs[ref];
    if (!sha) throw notFound();
    return json(200, gitRef(ctx.sb, repo, ref, sha));
  });
  router.add('POST', `${base}/refs`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const body = bodyOf(req);
    const ref = requireString(body, 'ref', 'Reference');
    const sha = requireString(body, 'sha', 'Reference');
    if (!ref.startsWith('refs/') || ref.split('/').length < 3)
      throw new HttpError(
        422,
        "Reference name must start with 'refs/' and have at least two slashes.",
      );
    setRef(ctx.sb, repo, ref, sha, ctx.actor, { create: true });
    return json(201, gitRef(ctx.sb, repo, ref, sha), {
      location: `${ctx.sb.apiUrl}/repos/${repo.owner}/${repo.name}/git/${ref}`,
    });
  });
  router.add('PATCH', `${base}/refs/*ref`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const body = bodyOf(req);
    const ref = refParam(req);
    const sha = requireString(body, 'sha', 'Reference');
    setRef(ctx.sb, repo, ref, sha, ctx.actor, { force: body.force === true });
    return json(200, gitRef(ctx.sb, repo, ref, sha));
  });
  router.add('DELETE', `${base}/refs/*ref`, auth, (req, ctx) => {
    deleteRef(ctx.sb, repoFor(req, ctx), refParam(req), ctx.actor);
    return { status: 204 };
  });

  router.add('POST', `${base}/blobs`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const body = bodyOf(req);
    const content = body.content;
    if (typeof content !== 'string')
      throw invalid('Blob', 'content', 'content is missing', 'missing_field');
    const encoding = body.encoding ?? 'utf-8';
    if (encoding !== 'utf-8' && encoding !== 'base64')
      throw invalid('Blob', 'encoding', 'encoding must be utf-8 or base64');
    const blob = writeBlob(repo, Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8'));
    return json(201, {
      url: `${ctx.sb.apiUrl}/repos/${repo.owner}/${repo.name}/git/blobs/${blob.sha}`,
      sha: blob.sha,
    });
  });
  router.add('GET', `${base}/blobs/:sha`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const blob = getBlob(repo, req.params.sha ?? '');
    if (!blob) throw notFound();
    return json(200, {
      sha: blob.sha,
      node_id: nodeId('B', blob.sha),
      size: blob.size,
      url: `${ctx.sb.apiUrl}/repos/${repo.owner}/${repo.name}/git/blobs/${blob.sha}`,
      content: blob.content.replace(/(.{60})/g, '$1\n'),
      encoding: 'base64',
    });
  });

  router.add('POST', `${base}/trees`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const body = bodyOf(req);
    let start: FlatTree = new Map();
    if (typeof body.base_tree === 'string') {
      if (!getTree(repo, body.base_tree))
        throw invalid('Tree', 'base_tree', `${body.base_tree} is not a valid tree`);
      start = flattenTree(repo, body.base_tree);
    }
    const sha = buildTree(repo, applyTreeEntries(repo, start, body.tree));
    const tree = getTree(repo, sha);
    if (!tree) throw notFound();
    return json(201, gitTree(ctx.sb, repo, tree, listEntries(repo, sha, false)));
  });
  router.add('GET', `${base}/trees/:sha`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const sha = req.params.sha ?? '';
    const commit = getCommit(repo, sha);
    const tree = getTree(repo, commit ? commit.tree : sha);
    if (!tree) throw notFound();
    const recursive =
      req.query.has('recursive') && !['0', 'false'].includes(req.query.get('recursive') ?? '');
    return json(200, gitTree(ctx.sb, repo, tree, listEntries(repo, tree.sha, recursive)));
  });

  router.add('POST', `${base}/commits`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const body = bodyOf(req);
    const message = requireString(body, 'message', 'Commit');
    const tree = requireString(body, 'tree', 'Commit');
    if (!getTree(repo, tree)) throw invalid('Commit', 'tree', `Tree SHA does not exist`);
    const parents = Array.isArray(body.parents) ? body.parents.map(String) : [];
    for (const p of parents)
      if (!getCommit(repo, p))
        throw invalid('Commit', 'parents', `Parent SHA does not exist or is not a commit object`);
    const fallback = signatureFor(ctx.sb, ctx.actor);
    const author = readSignature(ctx.sb, body.author, fallback);
    const committer = readSignature(ctx.sb, body.committer, author);
    const commit = writeCommit(repo, { tree, parents, message, author, committer });
    return json(201, gitCommit(ctx.sb, repo, commit));
  });
  router.add('GET', `${base}/commits/:sha`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const commit = getCommit(repo, req.params.sha ?? '');
    if (!commit) throw notFound();
    return json(200, gitCommit(ctx.sb, repo, commit));
  });
}
