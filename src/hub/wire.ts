import { randomUUID } from 'node:crypto';
import {
  createEnvelope,
  decodeFrame as decodeWithCodec,
  encodeFrame,
  errorFrameFor,
  type KoFrame,
  type KoFrameByType,
} from '../../contracts/codec/index.ts';
import type { ErrorBody } from '../../contracts/ko-v1/generated/ko-v1.ts';
import { KoProtocolError } from '../../contracts/codec/protocol-error.ts';

type DecodeResult =
  { ok: true; frame: KoFrame } | { ok: false; error: unknown; offendingId?: string };

/**
 * Decodes one received text message with the shared codec, as a result instead of a throw.
 *
 * @example const decoded = decodeFrame(text, 300_000); if (!decoded.ok) ws.send(encodeFrame(errorFrameFor(decoded.error)));
 */
export function decodeFrame(text: string | Buffer, maxFrameBytes?: number): DecodeResult {
  try {
    return {
      ok: true,
      frame: decodeWithCodec(text, maxFrameBytes === undefined ? {} : { maxFrameBytes }),
    };
  } catch (error) {
    const offendingId = error instanceof KoProtocolError ? error.offendingId : undefined;
    return offendingId === undefined ? { ok: false, error } : { ok: false, error, offendingId };
  }
}

/**
 * A W3C trace-id for a frame that starts its own trace: a random UUID without its dashes (32
 * lowercase hex digits, never all zero). Node serves UUIDs from a cached random pool, about six
 * times cheaper than the codec's randomBytes(16) per frame, and every frame needs one.
 *
 * @example quickTraceId(); // '3f1c0a9e5b2d4c7e8a6b1d2f3e4c5a6b'
 */
export function quickTraceId(): string {
  return randomUUID().replaceAll('-', '');
}

interface FrameOptions {
  corr_id?: string;
  trace_id?: string;
  idempotency_key?: string;
  priority?: number;
  capabilities?: string[];
}

/** createEnvelope with the envelope's own field names. */
export function createFrame<T extends keyof KoFrameByType>(
  type: T,
  body: KoFrameByType[T]['body'],
  options: FrameOptions = {},
): KoFrameByType[T] {
  return createEnvelope(type, body, {
    ...(options.corr_id !== undefined ? { corrId: options.corr_id } : {}),
    traceId: options.trace_id ?? quickTraceId(),
    ...(options.idempotency_key !== undefined ? { idempotencyKey: options.idempotency_key } : {}),
    ...(options.priority !== undefined ? { priority: options.priority } : {}),
    ...(options.capabilities !== undefined ? { capabilities: options.capabilities } : {}),
  });
}

/** An error frame from a plain body (codes the hub itself raises). */
export function errorFrame(body: ErrorBody, corrId?: string): KoFrameByType['error'] {
  return createFrame('error', body, corrId ? { corr_id: corrId } : {});
}

export { encodeFrame, errorFrameFor };
