import type { RequestContext } from '../context.ts';
import { installationFor } from '../events.ts';
import { invalid, notFound } from '../http-error.ts';
import { findRepo } from '../repo-query.ts';
import type { RouteRequest, RouteResponse } from '../router.ts';
import type { RepoState } from '../state.ts';

/** The JSON body as an object (`{}` when absent); arrays and scalars are a 400-style 422. */
export function bodyOf(req: RouteRequest): Record<string, unknown> {
  if (req.body === undefined || req.body === null) return {};
  if (typeof req.body !== 'object' || Array.isArray(req.body))
    throw invalid('Body', 'body', 'Invalid request. The body must be a JSON object');
  return req.body as Record<string, unknown>;
}

/** A required string field, or a 422 naming it. */
export function requireString(
  body: Record<string, unknown>,
  field: string,
  resource: string,
): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length === 0)
    throw invalid(resource, field, `${field} wasn't supplied`, 'missing_field');
  return value;
}

/** An optional string field (null stays null), or a 422 when it has another type. */
export function optionalString(
  body: Record<string, unknown>,
  field: string,
  resource: string,
): string | null | undefined {
  const value = body[field];
  if (value === undefined || value === null || typeof value === 'string') return value;
  throw invalid(resource, field, `${field} is not a string`);
}

/** The repository of `:owner/:repo`, if the caller's installation covers it (404 otherwise, as GitHub hides it). */
export function repoFor(req: RouteRequest, ctx: RequestContext): RepoState {
  const repo = findRepo(ctx.sb.state, req.params.owner ?? '', req.params.repo ?? '');
  if (ctx.installationId !== null && installationFor(ctx.sb, repo)?.id !== ctx.installationId)
    throw notFound();
  return repo;
}

/** A JSON answer. */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): RouteResponse {
  return { status, body, headers };
}

/** A positive integer path parameter, or a 404. */
export function intParam(req: RouteRequest, name: string): number {
  const value = Number(req.params[name]);
  if (!Number.isInteger(value) || value <= 0) throw notFound();
  return value;
}
