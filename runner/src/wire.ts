import {
  createEnvelope,
  decodeFrame as decodeWithCodec,
  encodeFrame,
  type KoFrame,
  type KoFrameByType,
} from '../../contracts/codec/index.ts';
import { quickTraceId } from '../../src/hub/wire.ts';

/** Decodes a frame from the hub; a bad one is reported, not thrown. */
export function decodeFrame(
  text: string,
): { ok: true; frame: KoFrame } | { ok: false; error: unknown } {
  try {
    return { ok: true, frame: decodeWithCodec(text, { maxFrameBytes: 1024 * 1024 }) };
  } catch (error) {
    return { ok: false, error };
  }
}

/** createEnvelope with the envelope's own field names. */
export function createFrame<T extends keyof KoFrameByType>(
  type: T,
  body: KoFrameByType[T]['body'],
  options: { corr_id?: string; trace_id?: string; idempotency_key?: string } = {},
): KoFrameByType[T] {
  return createEnvelope(type, body, {
    ...(options.corr_id !== undefined ? { corrId: options.corr_id } : {}),
    traceId: options.trace_id ?? quickTraceId(),
    ...(options.idempotency_key !== undefined ? { idempotencyKey: options.idempotency_key } : {}),
  });
}

/** Serializes with the codec; frames over the hub's limit throw (chunk output instead). */
export function encode(frame: KoFrame): string {
  return encodeFrame(frame, { maxFrameBytes: 1024 * 1024 });
}
