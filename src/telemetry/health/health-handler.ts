import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { markResponseLogged } from '../logged-responses.ts';
import { withTrace } from '../logger.ts';
import { CORRELATION_HEADER, requestIds, TRACEPARENT_HEADER } from '../request-ids.ts';
import type { CheckResult, ReadinessRegistry } from './readiness-registry.ts';

/** The three probes; /healthz and /readyz run the readiness checks, /livez only says "alive". */
const HEALTH_PATHS = ['/healthz', '/readyz', '/livez'] as const;

function isHealthPath(path: string): path is (typeof HEALTH_PATHS)[number] {
  return (HEALTH_PATHS as readonly string[]).includes(path);
}

export interface HealthBody {
  status: 'ok' | 'fail';
  version: string;
  uptime_s: number;
  trace_id: string;
  corr_id: string;
  checks?: CheckResult[];
}

export interface HealthHandlerOptions {
  logger: Logger;
  readiness: ReadinessRegistry;
  version: string;
  /** performance.now() at start; uptime counts from it. */
  startedAt?: number;
}

/**
 * A Probot `addHandler` handler for GET/HEAD /healthz, /readyz and /livez. Answers JSON, echoes
 * `traceparent` and `X-Correlation-Id`, returns 503 when a readiness check fails, and writes
 * exactly one log line per call carrying the same ids.
 *
 * @example addHandler(createHealthHandler({ logger, readiness, version }));
 */
export function createHealthHandler(options: HealthHandlerOptions) {
  const startedAt = options.startedAt ?? performance.now();
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (!isHealthPath(path) || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    const began = performance.now();
    const ids = requestIds(req.headers, `${req.method} ${path}`);
    const checks = path === '/livez' ? undefined : await options.readiness.runChecks();
    const failed = checks?.filter((check) => check.status === 'fail') ?? [];
    const body: HealthBody = {
      status: failed.length === 0 ? 'ok' : 'fail',
      version: options.version,
      uptime_s: Math.round((performance.now() - startedAt) / 10) / 100,
      trace_id: ids.trace_id,
      corr_id: ids.corr_id,
      ...(checks ? { checks } : {}),
    };
    const statusCode = failed.length === 0 ? 200 : 503;
    markResponseLogged(res);
    res
      .writeHead(statusCode, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        [TRACEPARENT_HEADER]: ids.traceparent,
        [CORRELATION_HEADER]: ids.corr_id,
      })
      .end(req.method === 'HEAD' ? undefined : JSON.stringify(body));
    ids.span.setAttribute('http.response.status_code', statusCode);
    ids.span.end();
    const log = withTrace(options.logger, ids).child({ name: 'health' });
    const fields = {
      'http.request.method': req.method,
      'url.path': path,
      'http.response.status_code': statusCode,
      duration_ms: Math.round((performance.now() - began) * 1000) / 1000,
      ...(failed.length > 0
        ? { failed_checks: failed.map((check) => `${check.name}: ${check.detail ?? ''}`) }
        : {}),
    };
    if (failed.length > 0) log.warn(fields, `${req.method} ${path} ${statusCode}`);
    else log.info(fields, `${req.method} ${path} ${statusCode}`);
    return true;
  };
}
