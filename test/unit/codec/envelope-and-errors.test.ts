import { describe, expect, it } from 'vitest';
import { ConflictError, TransientError } from '../../../contracts/errors.ts';
import {
  CHUNK_FRAME_OVERHEAD_BYTES,
  chunkSizeForFrameLimit,
  createEnvelope,
  decodeFrame,
  DEFAULT_CHUNK_SIZE_BYTES,
  DEFAULT_MAX_FRAME_BYTES,
  encodeFrame,
  errorFrameFor,
  frameBytesForChunkSize,
  KoProtocolError,
  newTraceId,
} from '../../../contracts/codec/index.ts';

describe('createEnvelope', () => {
  it('fills id, corr_id, trace_id, sent_at and defaults, and the result encodes', () => {
    const frame = createEnvelope('heartbeat', { running_jobs: [] });
    expect(frame.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(frame.corr_id).toBe(frame.id);
    expect(frame.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(Date.parse(frame.sent_at)).not.toBeNaN();
    expect(frame).toMatchObject({ priority: 5, capabilities: [], sensitivity: 'internal' });
    expect(decodeFrame(encodeFrame(frame))).toEqual(frame);
  });

  it('keeps the trace and correlation it is given', () => {
    const traceId = newTraceId();
    const frame = createEnvelope(
      'exec.accepted',
      { job_id: 'job-1' },
      { traceId, corrId: 'job-1', idempotencyKey: 'k', priority: 9, sensitivity: 'secret' },
    );
    expect(frame).toMatchObject({
      trace_id: traceId,
      corr_id: 'job-1',
      idempotency_key: 'k',
      priority: 9,
      sensitivity: 'secret',
    });
    expect(frame.id).not.toBe('job-1');
  });

  it('makes distinct trace ids', () => {
    expect(new Set(Array.from({ length: 50 }, () => newTraceId())).size).toBe(50);
  });
});

describe('errorFrameFor', () => {
  const cases = [
    {
      name: 'protocol error carries its offending id',
      error: new KoProtocolError('KO_UNKNOWN_TYPE', 'unknown', { offendingId: 'f-1', hint: 'h' }),
      offendingId: undefined,
      expected: { code: 'KO_UNKNOWN_TYPE', offending_id: 'f-1', retryable: false, hint: 'h' },
    },
    {
      name: 'explicit offending id wins',
      error: new KoProtocolError('KO_FRAME_SCHEMA', 'bad', { offendingId: 'f-1' }),
      offendingId: 'f-2',
      expected: { code: 'KO_FRAME_SCHEMA', offending_id: 'f-2', exit_class: 'PRECONDITION' },
    },
    {
      name: 'transient errors are retryable',
      error: new TransientError('HUB_BUSY', 'queue full'),
      offendingId: 'f-3',
      expected: { code: 'HUB_BUSY', retryable: true, exit_class: 'TRANSIENT' },
    },
    {
      name: 'conflicts are not',
      error: new ConflictError('KO_CHUNK_CONFLICT', 'differs'),
      offendingId: undefined,
      expected: { code: 'KO_CHUNK_CONFLICT', retryable: false, exit_class: 'CONFLICT' },
    },
    {
      name: 'unknown errors become LOGIC / UNEXPECTED',
      error: new TypeError('x is undefined'),
      offendingId: undefined,
      expected: { code: 'UNEXPECTED', retryable: false, exit_class: 'LOGIC' },
    },
  ];

  it.each(cases)('$name', ({ error, offendingId, expected }) => {
    const frame = errorFrameFor(error, offendingId);
    expect(frame.type).toBe('error');
    expect(frame.body).toMatchObject(expected);
    expect(decodeFrame(encodeFrame(frame), { mode: 'strict' })).toEqual(frame);
  });

  it('carries the schema path of a decode failure in details', () => {
    let caught: unknown;
    try {
      decodeFrame(JSON.stringify({ ...createEnvelope('ack', { ack_of: 'a' }), body: {} }));
    } catch (error) {
      caught = error;
    }
    const frame = errorFrameFor(caught);
    expect(frame.body.details).toMatchObject({ path: '/body/ack_of' });
    expect(frame.body.offending_id).toBeDefined();
  });
});

describe('frame limits', () => {
  it('the default frame limit holds a full default chunk frame', () => {
    expect(frameBytesForChunkSize(DEFAULT_CHUNK_SIZE_BYTES)).toBeLessThanOrEqual(
      DEFAULT_MAX_FRAME_BYTES,
    );
  });

  it.each([
    { maxFrameBytes: 128 * 1024, expected: 96_768 },
    { maxFrameBytes: 32 * 1024, expected: 23_040 },
  ])('chunkSizeForFrameLimit($maxFrameBytes) = $expected', ({ maxFrameBytes, expected }) => {
    expect(chunkSizeForFrameLimit(maxFrameBytes)).toBe(expected);
    expect(frameBytesForChunkSize(expected)).toBeLessThanOrEqual(maxFrameBytes);
  });

  it('the overhead bound covers a chunk frame with every id at its maximum length', () => {
    const long = 'x'.repeat(128);
    const frame = createEnvelope(
      'exec.chunk',
      {
        transfer_id: long,
        job_id: long,
        stream: 'stdout',
        seq: 10_000_000,
        total: 10_000_001,
        offset: Number.MAX_SAFE_INTEGER,
        size: 0,
        sha256: 'f'.repeat(64),
        data: '',
        whole_sha256: 'f'.repeat(64),
        whole_size: Number.MAX_SAFE_INTEGER,
      },
      { id: long, corrId: long, idempotencyKey: 'k'.repeat(256), priority: 9 },
    );
    expect(Buffer.byteLength(encodeFrame(frame))).toBeLessThanOrEqual(CHUNK_FRAME_OVERHEAD_BYTES);
  });
});
