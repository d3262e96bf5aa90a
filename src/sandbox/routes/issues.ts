import { addLabels, createComment, editComment, removeLabel } from '../actions/issues.ts';
import type { RequestContext } from '../context.ts';
import { invalid, notFound } from '../http-error.ts';
import { paginate } from '../paginate.ts';
import { findIssue } from '../repo-query.ts';
import type { RouteRequest, Router } from '../router.ts';
import { issue, issueComment, issueLabels, reaction } from '../shapes/issue.ts';
import type { CommentState, ReactionState, RepoState } from '../state.ts';
import { nextId } from '../state.ts';
import { bodyOf, json, repoFor } from './common.ts';

const REACTIONS = ['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes'];

function labelNames(body: unknown): string[] {
  const list = Array.isArray(body) ? body : (body as Record<string, unknown> | undefined)?.labels;
  if (!Array.isArray(list))
    throw invalid('Label', 'labels', 'labels must be an array', 'missing_field');
  return list.map((l: unknown) =>
    typeof l === 'object' && l !== null
      ? String((l as Record<string, unknown>).name ?? '')
      : String(l),
  );
}

function findComment(repo: RepoState, req: RouteRequest): CommentState {
  const comment = repo.comments[req.params.id ?? ''];
  if (!comment) throw notFound();
  return comment;
}

/**
 * Issue routes: labels on issues and PRs, issue comments, reactions on comments.
 *
 * @example addIssueRoutes(router);
 */
export function addIssueRoutes(router: Router<RequestContext>): void {
  const auth = { auth: 'installation' } as const;
  const base = '/repos/:owner/:repo/issues';

  router.add('GET', `${base}/:number`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    return json(200, issue(ctx.sb, repo, findIssue(repo, req.params.number ?? '')));
  });

  router.add('GET', `${base}/:number/labels`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const page = paginate(req, issueLabels(ctx.sb, repo, findIssue(repo, req.params.number ?? '')));
    return json(200, page.items, page.headers);
  });
  router.add('POST', `${base}/:number/labels`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const target = findIssue(repo, req.params.number ?? '');
    addLabels(ctx.sb, repo, target, labelNames(req.body), ctx.actor);
    return json(200, issueLabels(ctx.sb, repo, target));
  });
  router.add('PUT', `${base}/:number/labels`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const target = findIssue(repo, req.params.number ?? '');
    const wanted = labelNames(req.body);
    for (const name of [...target.labels])
      if (!wanted.some((w) => w.toLowerCase() === name.toLowerCase()))
        removeLabel(ctx.sb, repo, target, name, ctx.actor);
    addLabels(ctx.sb, repo, target, wanted, ctx.actor);
    return json(200, issueLabels(ctx.sb, repo, target));
  });
  router.add('DELETE', `${base}/:number/labels/:name`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const target = findIssue(repo, req.params.number ?? '');
    removeLabel(ctx.sb, repo, target, req.params.name ?? '', ctx.actor);
    return json(200, issueLabels(ctx.sb, repo, target));
  });

  router.add('GET', `${base}/:number/comments`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const target = findIssue(repo, req.params.number ?? '');
    const comments = Object.values(repo.comments)
      .filter((c) => c.issueNumber === target.number)
      .sort((a, b) => a.id - b.id);
    const page = paginate(req, comments);
    return json(
      200,
      page.items.map((c) => issueComment(ctx.sb, repo, c)),
      page.headers,
    );
  });
  router.add('POST', `${base}/:number/comments`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const comment = createComment(
      ctx.sb,
      repo,
      findIssue(repo, req.params.number ?? ''),
      bodyOf(req).body,
      ctx.actor,
    );
    const shaped = issueComment(ctx.sb, repo, comment);
    return json(201, shaped, { location: String(shaped.url) });
  });
  router.add('GET', `${base}/comments/:id`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    return json(200, issueComment(ctx.sb, repo, findComment(repo, req)));
  });
  router.add('PATCH', `${base}/comments/:id`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const comment = editComment(ctx.sb, repo, findComment(repo, req), bodyOf(req).body, ctx.actor);
    return json(200, issueComment(ctx.sb, repo, comment));
  });

  router.add('GET', `${base}/comments/:id/reactions`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const content = req.query.get('content');
    const list = findComment(repo, req).reactions.filter((r) => !content || r.content === content);
    const page = paginate(req, list);
    return json(
      200,
      page.items.map((r) => reaction(ctx.sb, r)),
      page.headers,
    );
  });
  router.add('DELETE', `${base}/comments/:id/reactions/:reaction`, auth, (req, ctx) => {
    const comment = findComment(repoFor(req, ctx), req);
    const index = comment.reactions.findIndex((r) => String(r.id) === req.params.reaction);
    if (index < 0) throw notFound();
    comment.reactions.splice(index, 1);
    return { status: 204 };
  });
  router.add('POST', `${base}/comments/:id/reactions`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const comment = findComment(repo, req);
    const content = bodyOf(req).content;
    if (typeof content !== 'string' || !REACTIONS.includes(content))
      throw invalid('Reaction', 'content', 'content is not included in the list');
    const existing = comment.reactions.find((r) => r.user === ctx.actor && r.content === content);
    if (existing) return json(200, reaction(ctx.sb, existing));
    const created: ReactionState = {
      id: nextId(ctx.sb.state),
      user: ctx.actor,
      content,
      createdAt: ctx.sb.now(),
    };
    comment.reactions.push(created);
    return json(201, reaction(ctx.sb, created));
  });
}
