import { pullCommits, pullFiles } from '../actions/pull-diff.ts';
import { mergePull, openPull, updatePull, type MergeInput } from '../actions/pulls.ts';
import type { RequestContext } from '../context.ts';
import { getCommit } from '../git-objects.ts';
import { invalid, notFound } from '../http-error.ts';
import { paginate } from '../paginate.ts';
import { findPull } from '../repo-query.ts';
import type { Router } from '../router.ts';
import { gitCommit } from '../shapes/git.ts';
import { pullRequest } from '../shapes/pull.ts';
import { simpleUser } from '../shapes/user.ts';
import type { IssueState, PullExtra } from '../state.ts';
import { bodyOf, json, optionalString, repoFor, requireString } from './common.ts';

/**
 * Pull request routes: create, list, get, update, merge, files, commits.
 *
 * @example addPullRoutes(router);
 */
export function addPullRoutes(router: Router<RequestContext>): void {
  const auth = { auth: 'installation' } as const;
  const base = '/repos/:owner/:repo/pulls';

  router.add('POST', base, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const body = bodyOf(req);
    const pr = openPull(
      ctx.sb,
      repo,
      {
        head: requireString(body, 'head', 'PullRequest'),
        base: requireString(body, 'base', 'PullRequest'),
        title: requireString(body, 'title', 'PullRequest'),
        body: optionalString(body, 'body', 'PullRequest') ?? null,
        draft: body.draft === true,
      },
      ctx.actor,
    );
    const shaped = pullRequest(ctx.sb, repo, pr);
    return json(201, shaped, { location: String(shaped.url) });
  });

  router.add('GET', base, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const state = req.query.get('state') ?? 'open';
    if (!['open', 'closed', 'all'].includes(state))
      throw invalid('PullRequest', 'state', 'state is not included in the list');
    const head = req.query.get('head');
    const baseRef = req.query.get('base');
    const pulls = Object.values(repo.issues)
      .filter((i): i is IssueState & { pull: PullExtra } => i.pull !== undefined)
      .filter((i) => state === 'all' || i.state === state)
      .filter(
        (i) =>
          !head ||
          `${repo.owner}:${i.pull.headRef}`.toLowerCase() === head.toLowerCase() ||
          (!head.includes(':') && i.pull.headRef === head),
      )
      .filter((i) => !baseRef || i.pull.baseRef === baseRef)
      .sort((a, b) =>
        req.query.get('direction') === 'asc' ? a.number - b.number : b.number - a.number,
      );
    const page = paginate(req, pulls);
    return json(
      200,
      page.items.map((p) => pullRequest(ctx.sb, repo, p)),
      page.headers,
    );
  });

  router.add('GET', `${base}/:number`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const shaped = pullRequest(ctx.sb, repo, findPull(repo, req.params.number ?? ''));
    if (shaped.state === 'open' && (repo.mergeabilityPending ?? 0) > 0) {
      repo.mergeabilityPending = (repo.mergeabilityPending ?? 0) - 1;
      Object.assign(shaped, { mergeable: null, rebaseable: null, mergeable_state: 'unknown' });
    }
    return json(200, shaped);
  });

  router.add('PATCH', `${base}/:number`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const pr = findPull(repo, req.params.number ?? '');
    const body = bodyOf(req);
    const state = body.state;
    if (state !== undefined && state !== 'open' && state !== 'closed')
      throw invalid('PullRequest', 'state', 'state is not included in the list');
    updatePull(
      ctx.sb,
      repo,
      pr,
      {
        title: optionalString(body, 'title', 'PullRequest') ?? undefined,
        body: optionalString(body, 'body', 'PullRequest'),
        state,
        base: optionalString(body, 'base', 'PullRequest') ?? undefined,
      },
      ctx.actor,
    );
    return json(200, pullRequest(ctx.sb, repo, pr));
  });

  router.add('PUT', `${base}/:number/merge`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const pr = findPull(repo, req.params.number ?? '');
    const body = bodyOf(req);
    const input: MergeInput = {
      method: (optionalString(body, 'merge_method', 'PullRequest') ??
        'merge') as MergeInput['method'],
      sha: optionalString(body, 'sha', 'PullRequest') ?? undefined,
      commitTitle: optionalString(body, 'commit_title', 'PullRequest') ?? undefined,
      commitMessage: optionalString(body, 'commit_message', 'PullRequest') ?? undefined,
    };
    const result = mergePull(ctx.sb, repo, pr, input, ctx.actor);
    return json(200, { sha: result.sha, merged: true, message: result.message });
  });

  router.add('GET', `${base}/:number/merge`, auth, (req, ctx) => {
    const pr = findPull(repoFor(req, ctx), req.params.number ?? '');
    if (!pr.pull.mergedAt) throw notFound();
    return { status: 204 };
  });

  router.add('GET', `${base}/:number/files`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const pr = findPull(repo, req.params.number ?? '');
    const full = `${repo.owner}/${repo.name}`;
    const files = pullFiles(repo, pr.pull).map((f) => ({
      sha: f.sha,
      filename: f.filename,
      status: f.status,
      additions: f.additions,
      deletions: f.deletions,
      changes: f.additions + f.deletions,
      blob_url: `${ctx.sb.webUrl}/${full}/blob/${pr.pull.headSha}/${f.filename}`,
      raw_url: `${ctx.sb.webUrl}/${full}/raw/${pr.pull.headSha}/${f.filename}`,
      contents_url: `${ctx.sb.apiUrl}/repos/${full}/contents/${f.filename}?ref=${pr.pull.headSha}`,
    }));
    const page = paginate(req, files);
    return json(200, page.items, page.headers);
  });

  router.add('GET', `${base}/:number/commits`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const pr = findPull(repo, req.params.number ?? '');
    const full = `${repo.owner}/${repo.name}`;
    const commits = pullCommits(repo, pr.pull).flatMap((sha) => {
      const c = getCommit(repo, sha);
      if (!c) return [];
      const git = gitCommit(ctx.sb, repo, c);
      return [
        {
          url: `${ctx.sb.apiUrl}/repos/${full}/commits/${sha}`,
          sha,
          node_id: git.node_id,
          html_url: git.html_url,
          comments_url: `${ctx.sb.apiUrl}/repos/${full}/commits/${sha}/comments`,
          commit: {
            url: git.url,
            author: c.author,
            committer: c.committer,
            message: c.message,
            comment_count: 0,
            tree: git.tree,
            verification: git.verification,
          },
          author: ctx.sb.state.accounts[c.author.name] ? simpleUser(ctx.sb, c.author.name) : null,
          committer: ctx.sb.state.accounts[c.committer.name]
            ? simpleUser(ctx.sb, c.committer.name)
            : null,
          parents: (git.parents as { sha: string; url: string; html_url: string }[]).map((p) => ({
            sha: p.sha,
            url: p.url,
            html_url: p.html_url,
          })),
        },
      ];
    });
    const page = paginate(req, commits);
    return json(200, page.items, page.headers);
  });
}
