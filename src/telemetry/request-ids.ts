import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { formatTraceparent, parseTraceparent, startSpan, type StartedSpan } from './tracing.ts';

/** Header names (lower case, as Node presents them). */
export const CORRELATION_HEADER = 'x-correlation-id';
export const TRACEPARENT_HEADER = 'traceparent';

// Echoed into a response header and into logs: only harmless characters, bounded length.
const SAFE_CORRELATION_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

export interface RequestIds extends StartedSpan {
  trace_id: string;
  span_id: string;
  corr_id: string;
  /** The traceparent to echo and to pass on: our span, the caller's trace. */
  traceparent: string;
}

/**
 * The ids of one incoming request: the trace id of a valid W3C `traceparent` (else a new
 * trace), a new span id, and `X-Correlation-Id` when it is a safe token (else a new UUID).
 *
 * @example const ids = requestIds(req.headers, 'GET /healthz'); log.info({ trace_id: ids.trace_id }, 'ok'); ids.span.end();
 */
export function requestIds(headers: IncomingHttpHeaders, spanName: string): RequestIds {
  const parent = parseTraceparent(firstHeader(headers[TRACEPARENT_HEADER]));
  const started = startSpan(spanName, parent);
  const offered = firstHeader(headers[CORRELATION_HEADER])?.trim();
  const corrId = offered && SAFE_CORRELATION_ID.test(offered) ? offered : randomUUID();
  return {
    ...started,
    trace_id: started.trace.traceId,
    span_id: started.trace.spanId,
    corr_id: corrId,
    traceparent: formatTraceparent(started.trace),
  };
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
