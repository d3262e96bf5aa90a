import {
  createCheckRun,
  setStatus,
  updateCheckRun,
  type CheckRunInput,
} from '../actions/checks.ts';
import type { RequestContext } from '../context.ts';
import { HttpError, notFound } from '../http-error.ts';
import { paginate } from '../paginate.ts';
import { resolveRef } from '../repo-query.ts';
import type { RouteRequest, Router } from '../router.ts';
import {
  checkRun,
  checkSuite,
  combinedStatus,
  commitStatus,
  latestCheckRuns,
} from '../shapes/checks.ts';
import type { CheckRunState, RepoState, StatusState } from '../state.ts';
import { bodyOf, json, optionalString, repoFor, requireString } from './common.ts';

function runInput(body: Record<string, unknown>): Partial<CheckRunInput> {
  const output = body.output as Record<string, unknown> | undefined;
  const input: Partial<CheckRunInput> = {};
  if (typeof body.name === 'string') input.name = body.name;
  if (typeof body.head_sha === 'string') input.headSha = body.head_sha;
  if (typeof body.status === 'string') input.status = body.status as CheckRunState['status'];
  if (body.conclusion !== undefined) input.conclusion = body.conclusion as string | null;
  if (output && typeof output === 'object') {
    input.output = {};
    for (const key of ['title', 'summary', 'text'] as const)
      if (typeof output[key] === 'string') input.output[key] = output[key];
  }
  if (body.actions !== undefined) input.actions = body.actions;
  if (body.details_url !== undefined)
    input.detailsUrl = optionalString(body, 'details_url', 'CheckRun') ?? null;
  if (body.external_id !== undefined)
    input.externalId = optionalString(body, 'external_id', 'CheckRun') ?? null;
  if (typeof body.started_at === 'string') input.startedAt = body.started_at;
  if (typeof body.completed_at === 'string') input.completedAt = body.completed_at;
  return input;
}

function shaOf(repo: RepoState, req: RouteRequest): string {
  const sha = resolveRef(repo, req.params.ref ?? '');
  if (!sha) throw new HttpError(422, `No commit found for SHA: ${req.params.ref ?? ''}`);
  return sha;
}

function findRun(repo: RepoState, req: RouteRequest): CheckRunState {
  const run = repo.checkRuns[req.params.id ?? ''];
  if (!run) throw notFound();
  return run;
}

/**
 * Checks and statuses: check runs (with requested_action buttons), check suites, commit statuses.
 *
 * @example addCheckRoutes(router);
 */
export function addCheckRoutes(router: Router<RequestContext>): void {
  const auth = { auth: 'installation' } as const;
  const base = '/repos/:owner/:repo';

  router.add('POST', `${base}/check-runs`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const body = bodyOf(req);
    const input = {
      ...runInput(body),
      name: requireString(body, 'name', 'CheckRun'),
      headSha: requireString(body, 'head_sha', 'CheckRun'),
    };
    const run = createCheckRun(ctx.sb, repo, ctx.sb.state.app.id, ctx.actor, input);
    return json(201, checkRun(ctx.sb, repo, run));
  });
  router.add('PATCH', `${base}/check-runs/:id`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const run = findRun(repo, req);
    if (run.appId !== ctx.sb.state.app.id)
      throw new HttpError(
        403,
        'Invalid app_id `' +
          ctx.sb.state.app.id +
          '` - check run can only be modified by the GitHub App that created it.',
      );
    updateCheckRun(ctx.sb, repo, run, ctx.actor, runInput(bodyOf(req)));
    return json(200, checkRun(ctx.sb, repo, run));
  });
  router.add('GET', `${base}/check-runs/:id`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    return json(200, checkRun(ctx.sb, repo, findRun(repo, req)));
  });
  router.add('GET', `${base}/commits/:ref/check-runs`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const sha = shaOf(repo, req);
    const all = req.query.get('filter') === 'all';
    const name = req.query.get('check_name');
    const status = req.query.get('status');
    const appId = req.query.get('app_id');
    const runs = (
      all
        ? Object.values(repo.checkRuns).filter((r) => r.headSha === sha)
        : latestCheckRuns(repo, sha)
    )
      .filter((r) => !name || r.name === name)
      .filter((r) => !status || r.status === status)
      .filter((r) => !appId || String(r.appId) === appId)
      .sort((a, b) => b.id - a.id);
    const page = paginate(req, runs);
    return json(
      200,
      { total_count: runs.length, check_runs: page.items.map((r) => checkRun(ctx.sb, repo, r)) },
      page.headers,
    );
  });
  router.add('GET', `${base}/commits/:ref/check-suites`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const sha = shaOf(repo, req);
    const appId = req.query.get('app_id');
    const suites = Object.values(repo.checkSuites).filter(
      (s) => s.headSha === sha && (!appId || String(s.appId) === appId),
    );
    const page = paginate(req, suites);
    return json(
      200,
      {
        total_count: suites.length,
        check_suites: page.items.map((s) => checkSuite(ctx.sb, repo, s)),
      },
      page.headers,
    );
  });
  router.add('GET', `${base}/check-suites/:id`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const suite = repo.checkSuites[req.params.id ?? ''];
    if (!suite) throw notFound();
    return json(200, checkSuite(ctx.sb, repo, suite));
  });
  router.add('GET', `${base}/check-suites/:id/check-runs`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const runs = Object.values(repo.checkRuns).filter((r) => String(r.suiteId) === req.params.id);
    const page = paginate(req, runs);
    return json(
      200,
      { total_count: runs.length, check_runs: page.items.map((r) => checkRun(ctx.sb, repo, r)) },
      page.headers,
    );
  });

  router.add('POST', `${base}/statuses/:sha`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const body = bodyOf(req);
    const status = setStatus(ctx.sb, repo, ctx.actor, {
      sha: req.params.sha ?? '',
      state: requireString(body, 'state', 'Status') as StatusState['state'],
      context: optionalString(body, 'context', 'Status') ?? undefined,
      description: optionalString(body, 'description', 'Status'),
      targetUrl: optionalString(body, 'target_url', 'Status'),
    });
    return json(201, commitStatus(ctx.sb, repo, status));
  });
  router.add('GET', `${base}/commits/:ref/status`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    return json(200, combinedStatus(ctx.sb, repo, shaOf(repo, req)));
  });
  router.add('GET', `${base}/commits/:ref/statuses`, auth, (req, ctx) => {
    const repo = repoFor(req, ctx);
    const sha = shaOf(repo, req);
    const list = repo.statuses.filter((s) => s.sha === sha).sort((a, b) => b.id - a.id);
    const page = paginate(req, list);
    return json(
      200,
      page.items.map((s) => commitStatus(ctx.sb, repo, s)),
      page.headers,
    );
  });
}
