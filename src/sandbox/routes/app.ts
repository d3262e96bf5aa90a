import type { RequestContext } from '../context.ts';
import { issueInstallationToken } from '../auth.ts';
import { installationFor } from '../events.ts';
import { notFound } from '../http-error.ts';
import { paginate } from '../paginate.ts';
import { findRepo } from '../repo-query.ts';
import type { Router } from '../router.ts';
import { APP_PERMISSIONS, installation, integration } from '../shapes/app.ts';
import { fullRepository } from '../shapes/repository.ts';
import { intParam, json } from './common.ts';

/**
 * App authentication routes: the app itself, its installations, installation tokens.
 *
 * @example addAppRoutes(router);
 */
export function addAppRoutes(router: Router<RequestContext>): void {
  const jwt = { auth: 'jwt' } as const;
  router.add('GET', '/app', jwt, (_req, ctx) => json(200, integration(ctx.sb, ctx.sb.state.app)));
  router.add('GET', '/app/installations', jwt, (req, ctx) => {
    const page = paginate(
      req,
      Object.values(ctx.sb.state.installations).map((i) => installation(ctx.sb, i)),
    );
    return json(200, page.items, page.headers);
  });
  router.add('GET', '/app/installations/:id', jwt, (req, ctx) => {
    const inst = ctx.sb.state.installations[String(intParam(req, 'id'))];
    if (!inst) throw notFound();
    return json(200, installation(ctx.sb, inst));
  });
  router.add('POST', '/app/installations/:id/access_tokens', jwt, (req, ctx) => {
    const inst = ctx.sb.state.installations[String(intParam(req, 'id'))];
    if (!inst) throw notFound();
    const { token, expiresAt } = issueInstallationToken(ctx.sb.state, inst.id, Date.now());
    return json(201, {
      token,
      expires_at: expiresAt,
      permissions: APP_PERMISSIONS,
      repository_selection: 'all',
    });
  });
  router.add('GET', '/repos/:owner/:repo/installation', jwt, (req, ctx) => {
    const repo = findRepo(ctx.sb.state, req.params.owner ?? '', req.params.repo ?? '');
    const found = installationFor(ctx.sb, repo);
    const inst = found ? ctx.sb.state.installations[String(found.id)] : undefined;
    if (!inst) throw notFound();
    return json(200, installation(ctx.sb, inst));
  });
  router.add('GET', '/installation/repositories', { auth: 'installation' }, (req, ctx) => {
    const inst = ctx.sb.state.installations[String(ctx.installationId)];
    const repos = Object.values(ctx.sb.state.repos).filter(
      (r) => r.owner.toLowerCase() === inst?.account.toLowerCase(),
    );
    const page = paginate(
      req,
      repos.map((r) => fullRepository(ctx.sb, r)),
    );
    return json(
      200,
      { total_count: repos.length, repository_selection: 'all', repositories: page.items },
      page.headers,
    );
  });
}
