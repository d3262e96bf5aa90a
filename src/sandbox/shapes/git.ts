import type { SandboxContext } from '../context.ts';
import type { GitCommit, GitTree, RepoState } from '../state.ts';
import { nodeId } from './node-id.ts';

function repoApi(sb: SandboxContext, repo: RepoState): string {
  return `${sb.apiUrl}/repos/${repo.owner}/${repo.name}`;
}

/** GitHub's `git-ref`. */
export function gitRef(
  sb: SandboxContext,
  repo: RepoState,
  ref: string,
  sha: string,
): Record<string, unknown> {
  const api = repoApi(sb, repo);
  return {
    ref,
    node_id: nodeId('REF', `${repo.id}:${ref}`),
    url: `${api}/git/${ref}`,
    object: { sha, type: 'commit', url: `${api}/git/commits/${sha}` },
  };
}

const UNSIGNED = {
  verified: false,
  reason: 'unsigned',
  signature: null,
  payload: null,
  verified_at: null,
};

/** GitHub's `git-commit`. */
export function gitCommit(
  sb: SandboxContext,
  repo: RepoState,
  c: GitCommit,
): Record<string, unknown> {
  const api = repoApi(sb, repo);
  return {
    sha: c.sha,
    node_id: nodeId('C', c.sha),
    url: `${api}/git/commits/${c.sha}`,
    html_url: `${sb.webUrl}/${repo.owner}/${repo.name}/commit/${c.sha}`,
    author: c.author,
    committer: c.committer,
    tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
    message: c.message,
    parents: c.parents.map((p) => ({
      sha: p,
      url: `${api}/git/commits/${p}`,
      html_url: `${sb.webUrl}/${repo.owner}/${repo.name}/commit/${p}`,
    })),
    verification: UNSIGNED,
  };
}

/** GitHub's `git-tree`; `entries` may be the recursive listing. */
export function gitTree(
  sb: SandboxContext,
  repo: RepoState,
  tree: GitTree,
  entries: { path: string; mode: string; type: 'blob' | 'tree'; sha: string; size?: number }[],
): Record<string, unknown> {
  const api = repoApi(sb, repo);
  return {
    sha: tree.sha,
    url: `${api}/git/trees/${tree.sha}`,
    tree: entries.map((e) => ({
      path: e.path,
      mode: e.mode,
      type: e.type,
      sha: e.sha,
      ...(e.type === 'blob' ? { size: e.size ?? 0 } : {}),
      url: `${api}/git/${e.type === 'blob' ? 'blobs' : 'trees'}/${e.sha}`,
    })),
    truncated: false,
  };
}

/** GitHub's `content-file` for a file at `path`. */
export function contentFile(
  sb: SandboxContext,
  repo: RepoState,
  path: string,
  sha: string,
  base64: string,
  size: number,
  ref: string,
): Record<string, unknown> {
  const api = repoApi(sb, repo);
  const url = `${api}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const html = `${sb.webUrl}/${repo.owner}/${repo.name}/blob/${ref}/${path}`;
  const git = `${api}/git/blobs/${sha}`;
  return {
    type: 'file',
    encoding: 'base64',
    size,
    name: path.split('/').at(-1) ?? path,
    path,
    content: base64.replace(/(.{60})/g, '$1\n'),
    sha,
    url,
    git_url: git,
    html_url: html,
    download_url: `${sb.webUrl}/${repo.owner}/${repo.name}/raw/${ref}/${path}`,
    _links: { self: url, git, html },
  };
}
