import { randomBytes, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { readCredential, verifyAppJwt, type Credential } from './auth.ts';
import type { RequestContext, SandboxContext } from './context.ts';
import type { FaultInjector, RequestFault } from './fault-injector.ts';
import { HttpError } from './http-error.ts';
import { RateLimitLedger } from './rate-limit.ts';
import type { RouteRequest, RouteResponse, Router } from './router.ts';
import { appBotLogin } from './state.ts';

/** Request bodies above this are refused (GitHub's own limit for most endpoints is far lower). */
const MAX_BODY_BYTES = 25 * 1024 * 1024;
const DOCS = 'https://docs.github.com/enterprise-server@3.19/rest';

interface HandlerDeps {
  sb: SandboxContext;
  router: Router<RequestContext>;
  faults: FaultInjector;
  publicKey: KeyObject;
  /** answers `/_sandbox/...`; returns false when it does not know the path */
  controls: (path: string, body: unknown) => Promise<RouteResponse | undefined>;
  log?: Logger;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'Payload too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function faultResponse(fault: RequestFault, credential: string, nowMs: number): RouteResponse {
  if (fault.kind === 'rate-limit') {
    const reset = Math.floor(nowMs / 1000) + fault.resetInSeconds;
    return {
      status: 403,
      body: {
        message: `API rate limit exceeded for ${credential}.`,
        documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`,
      },
      headers: {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(reset),
        'x-ratelimit-used': '5000',
        'x-ratelimit-resource': 'core',
      },
    };
  }
  if (fault.kind === 'secondary-rate-limit') {
    return {
      status: fault.status,
      body: {
        message:
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
      },
      headers: { 'retry-after': String(fault.retryAfterSeconds) },
    };
  }
  return {
    status: fault.status,
    body: { message: fault.status === 502 ? 'Server Error' : 'Service Unavailable' },
  };
}

function authorize(
  deps: HandlerDeps,
  auth: 'jwt' | 'installation' | 'none',
  credential: Credential,
  nowMs: number,
): RequestContext {
  const { sb } = deps;
  if (auth === 'none') return { sb, actor: appBotLogin(sb.state), installationId: null };
  if (credential.kind === 'none') throw new HttpError(401, 'Requires authentication');
  if (auth === 'jwt') {
    if (credential.kind !== 'jwt')
      throw new HttpError(401, 'A JSON web token could not be decoded');
    verifyAppJwt(credential.jwt, deps.publicKey, sb.state.app.id, nowMs);
    return { sb, actor: appBotLogin(sb.state), installationId: null };
  }
  if (credential.kind === 'jwt') throw new HttpError(403, 'Resource not accessible by integration');
  return { sb, actor: appBotLogin(sb.state), installationId: credential.installationId };
}

/**
 * The HTTP request handler: GitHub's headers on every answer, injected faults first, then
 * authentication, routing and the handler; errors become GitHub's JSON error bodies.
 *
 * @example http.createServer(createRequestHandler(deps));
 */
export function createRequestHandler(
  deps: HandlerDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  const ledger = new RateLimitLedger();
  return (req, res) => {
    void handle(deps, ledger, req, res).catch((error: unknown) => {
      deps.log?.error({ err: error }, 'sandbox request crashed');
      if (!res.headersSent)
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ message: 'Server Error' }));
    });
  };
}

async function handle(
  deps: HandlerDeps,
  ledger: RateLimitLedger,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const nowMs = Date.now();
  const url = new URL(req.url ?? '/', deps.sb.webUrl);
  const method = (req.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'x-github-request-id': `${randomBytes(2).toString('hex').toUpperCase()}:${randomBytes(3).toString('hex').toUpperCase()}:${randomBytes(4).toString('hex').toUpperCase()}`,
    'x-github-media-type': 'github.v3; format=json',
    'x-github-api-version-selected': '2022-11-28',
    'x-github-enterprise-version': '3.19.0',
  };
  const send = (answer: RouteResponse): void => {
    const merged = { ...headers, ...answer.headers };
    if (answer.raw !== undefined) {
      res.writeHead(answer.status, merged).end(answer.raw);
    } else if (answer.body === undefined) {
      delete merged['content-type'];
      res.writeHead(answer.status, merged).end();
    } else {
      res.writeHead(answer.status, merged).end(JSON.stringify(answer.body));
    }
  };
  try {
    const raw = await readBody(req);
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        throw new HttpError(400, 'Problems parsing JSON');
      }
    }
    if (url.pathname.startsWith('/_sandbox/')) {
      const answer = await deps.controls(url.pathname.slice('/_sandbox'.length), body);
      send(answer ?? { status: 404, body: { message: 'Not Found' } });
      return;
    }
    const path =
      url.pathname === '/api/graphql'
        ? '/graphql'
        : url.pathname.replace(/^\/api\/v3(?=\/|$)/, '') || '/';
    const credential = readCredential(deps.sb.state, req.headers.authorization, nowMs);
    const bucket =
      credential.kind === 'token'
        ? `installation ID ${credential.installationId}`
        : credential.kind === 'jwt'
          ? 'app'
          : `ip ${req.socket.remoteAddress ?? ''}`;
    const fault = deps.faults.takeRequestFault(method, path);
    if (fault) {
      send(faultResponse(fault, bucket, nowMs));
      return;
    }
    Object.assign(headers, ledger.charge(bucket, nowMs, path === '/graphql' ? 'graphql' : 'core'));
    const { found } = deps.router.match(method, path);
    if (!found) throw new HttpError(404, 'Not Found');
    const ctx = authorize(deps, found.route.meta.auth, credential, nowMs);
    const routeReq: RouteRequest = {
      method,
      path,
      url: `${deps.sb.webUrl}${url.pathname}${url.search}`,
      params: found.params,
      query: url.searchParams,
      body,
      headers: req.headers,
    };
    send(await found.route.handler(routeReq, ctx));
  } catch (error) {
    if (error instanceof HttpError) {
      send({ status: error.status, body: error.toBody(), headers: error.headers });
      return;
    }
    throw error;
  }
}
