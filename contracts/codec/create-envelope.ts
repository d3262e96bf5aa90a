import { randomBytes, randomUUID } from 'node:crypto';
import type { KoFrameByType } from '../ko-v1/generated/frames.ts';
import type { MessageType, Sensitivity } from '../ko-v1/generated/ko-v1.ts';
import { PROTOCOL_VERSION } from './frame-codec.ts';

export interface EnvelopeOptions {
  /** Default: a new UUID. */
  id?: string;
  /** The flow this frame belongs to; default: the frame's own id (it starts a flow). */
  corrId?: string;
  /** W3C trace-id to continue; default: a new one. */
  traceId?: string;
  idempotencyKey?: string;
  /** 0..9, higher first. Default 5. */
  priority?: number;
  capabilities?: string[];
  /** Default 'internal'. */
  sensitivity?: Sensitivity;
  /** Default: now. */
  sentAt?: Date;
}

/**
 * A new W3C trace-id: 16 random bytes as 32 lowercase hex digits (never all zero).
 *
 * @example newTraceId() // '4bf92f3577b34da6a3ce929d0e0e4736'
 */
export function newTraceId(): string {
  for (;;) {
    const id = randomBytes(16).toString('hex');
    if (id !== '0'.repeat(32)) return id;
  }
}

/**
 * Wraps a body in a ko-v1 envelope with a fresh id, sent_at and (unless given) trace_id.
 *
 * @example const hb = createEnvelope('heartbeat', { running_jobs: [] }, { traceId });
 */
export function createEnvelope<T extends MessageType>(
  type: T,
  body: KoFrameByType[T]['body'],
  options: EnvelopeOptions = {},
): KoFrameByType[T] {
  const id = options.id ?? randomUUID();
  const frame = {
    protocol_version: PROTOCOL_VERSION,
    type,
    id,
    corr_id: options.corrId ?? id,
    trace_id: options.traceId ?? newTraceId(),
    sent_at: (options.sentAt ?? new Date()).toISOString(),
    ...(options.idempotencyKey === undefined ? {} : { idempotency_key: options.idempotencyKey }),
    priority: options.priority ?? 5,
    capabilities: options.capabilities ?? [],
    sensitivity: options.sensitivity ?? 'internal',
    body,
  };
  return frame as unknown as KoFrameByType[T];
}
