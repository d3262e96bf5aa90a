import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { KoError, asKoError } from '../../contracts/errors.ts';
import { httpStatusFor } from '../../contracts/exit-codes.ts';
import type { Hub } from './hub.ts';
import type { Job, JobSpec } from './job-types.ts';
import { bearerToken } from './upgrade-auth.ts';

const PREFIX = '/ko/v1/jobs';
const MAX_BODY_BYTES = 256 * 1024;
const MAX_WAIT_MS = 60_000;

/** A request handler that answers its own routes and returns false for everything else. */
export type HubHttpHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Compares against every configured operator token in constant time (per token). */
function isOperator(presented: string | undefined, tokens: string[]): boolean {
  if (!presented) return false;
  const got = digest(presented);
  let ok = false;
  for (const token of tokens) ok = timingSafeEqual(got, digest(token)) || ok;
  return ok;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: unknown): void {
  const ko = asKoError(error);
  send(res, httpStatusFor(ko.exitClass), {
    error: { code: ko.code, message: ko.message, hint: ko.hint ?? null },
  });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req) {
    size += (part as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new KoError(
        'PRECONDITION',
        'BODY_TOO_LARGE',
        `request body is over ${MAX_BODY_BYTES} bytes`,
        { hint: 'keep scripts under 128 KiB' },
      );
    parts.push(part as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(parts).toString('utf8'));
  } catch (cause) {
    throw new KoError('PRECONDITION', 'BODY_NOT_JSON', 'request body is not valid JSON', {
      cause,
      hint: 'send Content-Type: application/json with a JSON object',
    });
  }
}

/** What the API shows of a job (the whole record; it holds no secrets). */
function view(job: Job): Job {
  return job;
}

/**
 * The exec API under /ko/v1/jobs, as a plain handler to mount on Probot's server (addHandler) or
 * any node:http server. Operators authenticate with `Authorization: Bearer <KO_OPERATOR_TOKEN>`;
 * runner tokens are a different kind and are refused here.
 *
 * - `POST /ko/v1/jobs` submit (201 new, 200 when the idempotency key was seen)
 * - `GET /ko/v1/jobs/:id[?wait_ms=N]` status and result (optionally long-poll until it ends)
 * - `GET /ko/v1/jobs/:id/output?stream=stdout|stderr` the assembled output
 * - `POST /ko/v1/jobs/:id/cancel`
 *
 * @example
 * const handle = createHubHttpHandler(hub);
 * http.createServer((req, res) => { if (!handle(req, res)) { res.statusCode = 404; res.end(); } });
 */
export function createHubHttpHandler(hub: Hub): HubHttpHandler {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://hub.invalid');
    if (url.pathname !== PREFIX && !url.pathname.startsWith(`${PREFIX}/`)) return false;
    void route(hub, req, res, url).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, error);
      else res.destroy(error as Error);
    });
    return true;
  };
}

async function route(hub: Hub, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (hub.operatorTokens.length === 0) {
    send(res, 503, {
      error: {
        code: 'OPERATOR_TOKEN_UNSET',
        message: 'no operator token is configured',
        hint: 'set KO_OPERATOR_TOKEN in the app environment',
      },
    });
    return;
  }
  if (!isOperator(bearerToken(req.headers), hub.operatorTokens)) {
    res.setHeader('www-authenticate', 'Bearer realm="ko-operator"');
    send(res, 401, {
      error: {
        code: 'UNAUTHORIZED',
        message: 'operator token missing or wrong',
        hint: 'send Authorization: Bearer <KO_OPERATOR_TOKEN>',
      },
    });
    return;
  }
  const parts = url.pathname
    .slice(PREFIX.length)
    .split('/')
    .filter((p) => p !== '');
  const method = req.method ?? 'GET';

  if (parts.length === 0 && method === 'POST') {
    const body = await readJson(req);
    const { job, created } = await hub.submit(body as JobSpec);
    send(res, created ? 201 : 200, { job: view(job), created });
    return;
  }
  if (parts.length === 0 && method === 'GET') {
    const states = url.searchParams.get('state')?.split(',') as Job['state'][] | undefined;
    send(res, 200, { jobs: (await hub.queue.list(states)).map(view), runners: hub.runners() });
    return;
  }
  const id = parts[0] ?? '';
  if (parts.length === 1 && method === 'GET') {
    const waitMs = Math.min(
      MAX_WAIT_MS,
      Math.max(0, Number.parseInt(url.searchParams.get('wait_ms') ?? '0', 10) || 0),
    );
    const job = await hub.waitForJob(id, waitMs);
    if (!job) return notFound(res, id);
    send(res, 200, { job: view(job) });
    return;
  }
  if (parts.length === 2 && parts[1] === 'output' && method === 'GET') {
    const stream = url.searchParams.get('stream') ?? 'stdout';
    if (stream !== 'stdout' && stream !== 'stderr') {
      send(res, 400, {
        error: {
          code: 'BAD_STREAM',
          message: `stream "${stream}" is not stdout or stderr`,
          hint: 'use ?stream=stdout or ?stream=stderr',
        },
      });
      return;
    }
    const job = await hub.getJob(id);
    if (!job) return notFound(res, id);
    // Before the result, serve what arrived so far; after it, exactly the verified bytes.
    const bytes = job.result?.streams[stream].bytes;
    const body = bytes === 0 ? undefined : hub.readOutput(id, stream, bytes);
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'x-ko-job-state': job.state,
      'x-ko-output-complete': job.state === 'completed' ? 'true' : 'false',
      'cache-control': 'no-store',
    });
    if (!body) {
      res.end();
      return;
    }
    await pipeline(body, res);
    return;
  }
  if (parts.length === 2 && parts[1] === 'cancel' && method === 'POST') {
    const job = await hub.cancel(id);
    if (!job) return notFound(res, id);
    send(res, 202, { job: view(job) });
    return;
  }
  send(res, 404, {
    error: {
      code: 'NO_ROUTE',
      message: `${method} ${url.pathname} is not an exec API route`,
      hint: 'see docs/runner.md, "Exec API"',
    },
  });
}

function notFound(res: ServerResponse, id: string): void {
  send(res, 404, {
    error: {
      code: 'JOB_UNKNOWN',
      message: `no job "${id}"`,
      hint: 'list jobs with GET /ko/v1/jobs',
    },
  });
}
