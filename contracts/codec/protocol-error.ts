import { KoError, type KoErrorOptions } from '../errors.ts';
import type { ExitClass } from '../exit-codes.ts';

/**
 * The codes a ko-v1 peer raises and puts into `error` frames. Callers branch on these, never on
 * message text. The exit class of each is fixed here so both sides agree on `retryable`.
 */
export const PROTOCOL_ERROR_CLASS = {
  KO_FRAME_NOT_JSON: 'PRECONDITION',
  KO_FRAME_SCHEMA: 'PRECONDITION',
  KO_UNKNOWN_VERSION: 'PRECONDITION',
  KO_UNKNOWN_TYPE: 'PRECONDITION',
  KO_FRAME_TOO_LARGE: 'PRECONDITION',
  KO_CAPABILITY_MISSING: 'PRECONDITION',
  KO_CHUNK_INVALID: 'PRECONDITION',
  KO_CHUNK_HASH_MISMATCH: 'TRANSIENT',
  KO_CHUNK_CONFLICT: 'CONFLICT',
  KO_TRANSFER_INCOMPLETE: 'PRECONDITION',
  KO_TRANSFER_HASH_MISMATCH: 'PRECONDITION',
  KO_TRANSFER_TOO_LARGE: 'PRECONDITION',
} as const satisfies Record<string, ExitClass>;

export type ProtocolErrorCode = keyof typeof PROTOCOL_ERROR_CLASS;

export interface KoProtocolErrorOptions extends KoErrorOptions {
  /** The id of the frame that caused the error, when it could be read. */
  offendingId?: string;
}

/**
 * A ko-v1 frame or transfer that cannot be accepted. Turn it into an `error` frame with
 * `errorFrameFor(error, error.offendingId)`.
 *
 * @example throw new KoProtocolError('KO_UNKNOWN_TYPE', 'unknown frame type "exec.pause"', { offendingId });
 */
export class KoProtocolError extends KoError {
  override readonly code: ProtocolErrorCode;
  readonly offendingId: string | undefined;

  constructor(code: ProtocolErrorCode, message: string, options: KoProtocolErrorOptions = {}) {
    super(PROTOCOL_ERROR_CLASS[code], code, message, options);
    this.code = code;
    this.offendingId = options.offendingId;
  }
}
