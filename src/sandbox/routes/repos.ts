import { ensureLabel } from '../actions/issues.ts';
import { setRef } from '../actions/refs.ts';
import type { RequestContext } from '../context.ts';
import { signatureFor } from '../events.ts';
import {
  buildTree,
  commitFiles,
  getBlob,
  getCommit,
  writeBlob,
  writeCommit,
} from '../git-objects.ts';
import { HttpError, invalid, notFound } from '../http-error.ts';
import { paginate } from '../paginate.ts';
import { branchSha, resolveRef } from '../repo-query.ts';
import type { Router } from '../router.ts';
import { contentFile, gitCommit } from '../shapes/git.ts';
import { label } from '../shapes/issue.ts';
import { fullRepository } from '../shapes/repository.ts';
import { simpleUser } from '../shapes/user.ts';
import type { Permission, RepoState } from '../state.ts';
import { bodyOf, json, optionalString, repoFor, requireString } from './common.ts';

/** A login's permission: set by the test, `admin` for the owner, `read` on public repos, else `none`. */
function permissionOf(repo: RepoState, login: string): Permission {
  const set = repo.permissions[login];
  if (set) return set;
  if (login.toLowerCase() === repo.owner.toLowerCase()) return 'admin';
  return repo.private ? 'none' : 'read';
}

const ROLE: Record<Permission, string> = {
  admin: 'admin',
  write: 'write',
  read: 'read',
  none: 'none',
};

/**
 * Repository routes: the repository, collaborator permission, contents, labels.
 *
 * @example addRepoRoutes(router);
 */
export function addRepoRoutes(router: Router<RequestContext>): void {
  const auth = { auth: 'installation' } as const;
  router.add('GET', '/repos/:owner/:repo', auth, (req, ctx) =>
    json(200, fullRepository(ctx.sb, repoFor(req, ctx))),
  );

  router.add('GET', '/repos/:owner/:repo/collaborators/:user/permission', auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const login = req.params.user ?? '';
    if (!ctx.sb.state.accounts[login] && !repo.permissions[login]) throw notFound();
    const permission = permissionOf(repo, login);
    const rank = ['none', 'read', 'write', 'admin'].indexOf(permission);
    const user = {
      ...simpleUser(ctx.sb, login),
      permissions: {
        pull: rank >= 1,
        triage: rank >= 1,
        push: rank >= 2,
        maintain: rank >= 3,
        admin: rank >= 3,
      },
      role_name: ROLE[permission],
    };
    return json(200, { permission, role_name: ROLE[permission], user });
  });

  router.add('GET', '/repos/:owner/:repo/contents/*path', auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const ref = req.query.get('ref') ?? repo.defaultBranch;
    const sha = resolveRef(repo, ref);
    if (!sha) throw new HttpError(404, `No commit found for the ref ${ref}`);
    const path = (req.params.path ?? '').replace(/\/+$/, '');
    const files = commitFiles(repo, sha);
    const file = files.get(path);
    if (file) {
      const blob = getBlob(repo, file.sha);
      if (!blob) throw notFound();
      // Octokit's `mediaType: { format: 'raw' }` (Probot's context.config uses it) asks for the bytes.
      if (/application\/vnd\.github(\.v3)?\.raw/.test(String(req.headers.accept ?? ''))) {
        return {
          status: 200,
          raw: Buffer.from(blob.content, 'base64'),
          headers: { 'content-type': 'text/plain; charset=utf-8' },
        };
      }
      return json(200, contentFile(ctx.sb, repo, path, blob.sha, blob.content, blob.size, ref));
    }
    const inDir = [...files.entries()].filter(([p]) => p.startsWith(`${path}/`));
    if (inDir.length === 0) throw notFound();
    const names = new Map<string, { type: 'file' | 'dir'; sha: string; size: number }>();
    for (const [p, e] of inDir) {
      const rest = p.slice(path.length + 1);
      const name = rest.split('/')[0] ?? rest;
      const isDir = rest.includes('/');
      if (!names.has(name))
        names.set(name, {
          type: isDir ? 'dir' : 'file',
          sha: isDir ? '' : e.sha,
          size: isDir ? 0 : (getBlob(repo, e.sha)?.size ?? 0),
        });
    }
    return json(
      200,
      [...names.entries()].map(([name, e]) => {
        const full = `${path}/${name}`;
        const shaped = contentFile(ctx.sb, repo, full, e.sha, '', e.size, ref);
        const { content: _c, encoding: _e, ...rest } = shaped;
        return { ...rest, type: e.type };
      }),
    );
  });

  router.add('PUT', '/repos/:owner/:repo/contents/*path', auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const body = bodyOf(req);
    const path = req.params.path ?? '';
    const message = requireString(body, 'message', 'Content');
    const content = requireString(body, 'content', 'Content');
    const branch = optionalString(body, 'branch', 'Content') ?? repo.defaultBranch;
    const tip = branchSha(repo, branch);
    const files = commitFiles(repo, tip);
    const existing = files.get(path);
    const given = optionalString(body, 'sha', 'Content');
    if (existing && !given)
      throw invalid('Content', 'sha', '"sha" wasn\'t supplied.', 'missing_field');
    if (existing && given !== existing.sha)
      throw new HttpError(409, `${path} does not match ${given}`);
    const blob = writeBlob(repo, Buffer.from(content, 'base64'));
    files.set(path, { mode: '100644', sha: blob.sha });
    const author = signatureFor(ctx.sb, ctx.actor);
    const commit = writeCommit(repo, {
      tree: buildTree(repo, files),
      parents: [tip],
      message,
      author,
    });
    setRef(ctx.sb, repo, `refs/heads/${branch}`, commit.sha, ctx.actor);
    const file = contentFile(ctx.sb, repo, path, blob.sha, '', blob.size, branch);
    const { content: _c, encoding: _e, ...fileShape } = file;
    const c = getCommit(repo, commit.sha);
    return json(existing ? 200 : 201, {
      content: fileShape,
      commit: c ? gitCommit(ctx.sb, repo, c) : null,
    });
  });

  router.add('GET', '/repos/:owner/:repo/labels', auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const page = paginate(
      req,
      Object.values(repo.labels).map((l) => label(ctx.sb, repo, l)),
    );
    return json(200, page.items, page.headers);
  });
  router.add('POST', '/repos/:owner/:repo/labels', auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const body = bodyOf(req);
    const name = requireString(body, 'name', 'Label');
    if (repo.labels[name.toLowerCase()])
      throw new HttpError(422, 'Validation Failed', [
        { resource: 'Label', field: 'name', code: 'already_exists' },
      ]);
    const color = typeof body.color === 'string' ? body.color.replace(/^#/, '') : 'ededed';
    const created = ensureLabel(
      ctx.sb,
      repo,
      name,
      ctx.actor,
      color,
      optionalString(body, 'description', 'Label') ?? null,
    );
    return json(201, label(ctx.sb, repo, created));
  });
}
