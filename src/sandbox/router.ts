/** A request as the route handlers see it: decoded params, parsed query and JSON body. */
export interface RouteRequest {
  method: string;
  path: string;
  /** the absolute URL the client asked for (used for Link headers) */
  url: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** What a handler answers; `body` is serialized as JSON unless it is `undefined` (204) or `raw` is set. */
export interface RouteResponse {
  status: number;
  body?: unknown;
  /** bytes sent as they are (raw media types), with the content-type from `headers` */
  raw?: Buffer;
  headers?: Record<string, string>;
}

interface CompiledRoute<C> {
  method: string;
  segments: string[];
  handler: (req: RouteRequest, ctx: C) => RouteResponse | Promise<RouteResponse>;
  meta: RouteMeta;
}

/** How a route is authenticated: an app JWT, an installation token, or nothing. */
type RouteAuth = 'jwt' | 'installation' | 'none';

interface RouteMeta {
  auth: RouteAuth;
}

interface RouteMatch<C> {
  route: CompiledRoute<C>;
  params: Record<string, string>;
}

/**
 * A tiny method + path router. Patterns use `:name` for one segment and `*name` for the rest
 * of the path (so `git/refs/*ref` matches `git/refs/heads/feature/x`). Octokit percent-encodes
 * slashes inside parameters (`heads%2Ffeature`), so values are decoded after matching.
 *
 * @example
 * const r = new Router<Ctx>();
 * r.add('GET', '/repos/:owner/:repo', { auth: 'installation' }, (req) => ({ status: 200, body: req.params }));
 * r.match('GET', '/repos/o/r'); // { route, params: { owner: 'o', repo: 'r' } }
 */
export class Router<C> {
  private readonly routes: CompiledRoute<C>[] = [];

  add(
    method: string,
    pattern: string,
    meta: RouteMeta,
    handler: CompiledRoute<C>['handler'],
  ): this {
    this.routes.push({ method: method.toUpperCase(), segments: split(pattern), handler, meta });
    return this;
  }

  /** The first route matching, or `undefined`; `allowed` lists methods that match the path. */
  match(method: string, path: string): { found?: RouteMatch<C>; allowed: string[] } {
    const parts = split(path);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.method !== method.toUpperCase()) {
        allowed.push(route.method);
        continue;
      }
      return { found: { route, params }, allowed };
    }
    return { allowed };
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const seg = pattern[i] as string;
    if (seg.startsWith('*')) {
      const rest = parts.slice(i);
      if (rest.length === 0) return undefined;
      params[seg.slice(1)] = safeDecode(rest.join('/'));
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (seg.startsWith(':')) params[seg.slice(1)] = safeDecode(part);
    else if (seg !== part) return undefined;
  }
  return parts.length === pattern.length ? params : undefined;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
