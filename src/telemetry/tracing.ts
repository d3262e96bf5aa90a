import { randomBytes } from 'node:crypto';
import { context, trace, TraceFlags, type Attributes, type Span } from '@opentelemetry/api';

/** W3C trace context of one span: https://www.w3.org/TR/trace-context/#traceparent-header */
export interface TraceContext {
  /** 32 lowercase hex, not all zeros. */
  traceId: string;
  /** 16 lowercase hex, not all zeros. */
  spanId: string;
  /** Bit 0 = sampled. */
  traceFlags: number;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/**
 * Parses a `traceparent` header; undefined when absent or invalid (then a new trace starts, as
 * the spec asks). Version ff is invalid; version 00 allows nothing after the flags; later
 * versions may append fields, which are ignored.
 *
 * @example parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')?.traceId
 */
export function parseTraceparent(header: string | undefined): TraceContext | undefined {
  if (header === undefined) return undefined;
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string?,
  ];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) };
}

/**
 * Formats a trace context as a version-00 `traceparent` value.
 *
 * @example formatTraceparent({ traceId, spanId, traceFlags: 1 }) // '00-<traceId>-<spanId>-01'
 */
export function formatTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${trace.spanId}-${(trace.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** @example newTraceId() // '4bf92f3577b34da6a3ce929d0e0e4736' */
export function newTraceId(): string {
  return nonZeroHex(16);
}

/** @example newSpanId() // '00f067aa0ba902b7' */
export function newSpanId(): string {
  return nonZeroHex(8);
}

function nonZeroHex(bytes: number): string {
  for (;;) {
    const hex = randomBytes(bytes).toString('hex');
    if (/[^0]/.test(hex)) return hex;
  }
}

export interface StartedSpan {
  /** The OpenTelemetry span: recording when an SDK is registered, a no-op otherwise. */
  span: Span;
  /** The ids to log and to propagate (never the parent's span id). */
  trace: TraceContext;
}

/**
 * Starts a span through @opentelemetry/api, as a child of `parent` when given. Without an SDK
 * the API returns a non-recording span that repeats its parent's ids, so KO makes its own span
 * id (and trace id, for a root) to keep logs and propagated headers meaningful.
 *
 * @example const { span, trace } = startSpan('GET /readyz', parseTraceparent(req.headers.traceparent)); span.end();
 */
export function startSpan(
  name: string,
  parent?: TraceContext,
  attributes?: Attributes,
): StartedSpan {
  const parentContext = parent
    ? trace.setSpanContext(context.active(), { ...parent, isRemote: true })
    : context.active();
  const span = trace
    .getTracer('kobong-orchestrator')
    .startSpan(name, { attributes }, parentContext);
  const own = span.spanContext();
  if (span.isRecording() && own.spanId !== parent?.spanId) {
    return {
      span,
      trace: { traceId: own.traceId, spanId: own.spanId, traceFlags: own.traceFlags },
    };
  }
  return {
    span,
    trace: {
      traceId: parent?.traceId ?? newTraceId(),
      spanId: newSpanId(),
      traceFlags: parent?.traceFlags ?? TraceFlags.NONE,
    },
  };
}
