import { describe, expect, it } from 'vitest';
import {
  formatTraceparent,
  newSpanId,
  newTraceId,
  parseTraceparent,
  startSpan,
} from '../../../src/telemetry/tracing.ts';
import { requestIds } from '../../../src/telemetry/request-ids.ts';

const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const S = '00f067aa0ba902b7';

describe('parseTraceparent', () => {
  const cases: { input: string | undefined; expected: ReturnType<typeof parseTraceparent> }[] = [
    { input: `00-${T}-${S}-01`, expected: { traceId: T, spanId: S, traceFlags: 1 } },
    { input: `00-${T}-${S}-00`, expected: { traceId: T, spanId: S, traceFlags: 0 } },
    { input: `  00-${T}-${S}-01  `, expected: { traceId: T, spanId: S, traceFlags: 1 } },
    { input: `01-${T}-${S}-01-future-field`, expected: { traceId: T, spanId: S, traceFlags: 1 } },
    { input: `00-${T}-${S}-01-extra`, expected: undefined },
    { input: `ff-${T}-${S}-01`, expected: undefined },
    { input: `00-${'0'.repeat(32)}-${S}-01`, expected: undefined },
    { input: `00-${T}-${'0'.repeat(16)}-01`, expected: undefined },
    { input: `00-${T.toUpperCase()}-${S}-01`, expected: undefined },
    { input: `00-${T.slice(1)}-${S}-01`, expected: undefined },
    { input: 'garbage', expected: undefined },
    { input: '', expected: undefined },
    { input: undefined, expected: undefined },
  ];
  it.each(cases)('$input', ({ input, expected }) => {
    expect(parseTraceparent(input)).toEqual(expected);
  });
});

describe('formatTraceparent', () => {
  it('round-trips', () => {
    const value = formatTraceparent({ traceId: T, spanId: S, traceFlags: 1 });
    expect(value).toBe(`00-${T}-${S}-01`);
    expect(parseTraceparent(value)).toEqual({ traceId: T, spanId: S, traceFlags: 1 });
  });
});

describe('ids and spans', () => {
  it('makes well-formed, distinct ids', () => {
    expect(newTraceId()).toMatch(/^[0-9a-f]{32}$/);
    expect(newSpanId()).toMatch(/^[0-9a-f]{16}$/);
    expect(newTraceId()).not.toBe(newTraceId());
  });

  it('continues the parent trace with a new span id (no SDK registered)', () => {
    const { span, trace } = startSpan('child', { traceId: T, spanId: S, traceFlags: 1 });
    expect(trace.traceId).toBe(T);
    expect(trace.spanId).not.toBe(S);
    expect(trace.traceFlags).toBe(1);
    span.end();
  });

  it('starts a new trace without a parent', () => {
    const { trace } = startSpan('root');
    expect(trace.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(trace.traceId).not.toBe('0'.repeat(32));
  });
});

describe('requestIds', () => {
  it('honours traceparent and X-Correlation-Id', () => {
    const ids = requestIds(
      { traceparent: `00-${T}-${S}-01`, 'x-correlation-id': 'deploy-42' },
      'GET /x',
    );
    expect(ids).toMatchObject({ trace_id: T, corr_id: 'deploy-42' });
    expect(ids.traceparent).toBe(`00-${T}-${ids.span_id}-01`);
  });

  it('makes new ids for a missing or unsafe header', () => {
    const ids = requestIds(
      { traceparent: 'nope', 'x-correlation-id': 'bad\r\nheader: injected' },
      'GET /x',
    );
    expect(ids.trace_id).not.toBe(T);
    expect(ids.corr_id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
