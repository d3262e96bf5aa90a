import { asKoError } from '../errors.ts';
import type { ErrorFrame } from '../ko-v1/generated/ko-v1.ts';
import { createEnvelope, type EnvelopeOptions } from './create-envelope.ts';
import { KoProtocolError } from './protocol-error.ts';

const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
const MAX_TEXT = 2000;

/**
 * The `error` frame answering a failure. The offending id defaults to the one a KoProtocolError
 * carries; retryable is true only for the TRANSIENT class. Unknown errors become LOGIC with code
 * UNEXPECTED, so a peer never sees a stack trace.
 *
 * @example ws.send(encodeFrame(errorFrameFor(error, frameId, { corrId: session.id })));
 */
export function errorFrameFor(
  error: unknown,
  offendingId?: string,
  options: EnvelopeOptions = {},
): ErrorFrame {
  const koError = asKoError(error);
  const id = offendingId ?? (koError instanceof KoProtocolError ? koError.offendingId : undefined);
  const code = /^[A-Z][A-Z0-9_]{0,63}$/.test(koError.code) ? koError.code : 'UNEXPECTED';
  const body: ErrorFrame['body'] = {
    code,
    message: truncate(koError.message),
    retryable: koError.exitClass === 'TRANSIENT',
    exit_class: koError.exitClass,
    ...(id !== undefined && ID_PATTERN.test(id) ? { offending_id: id } : {}),
    ...(koError.hint ? { hint: truncate(koError.hint) } : {}),
    ...(koError.details ? { details: jsonSafe(koError.details) } : {}),
  };
  return createEnvelope('error', body, options);
}

function truncate(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`;
}

/** Details are logged and sent: keep them JSON (drops functions, cycles become an error note). */
function jsonSafe(details: Record<string, unknown>): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(details)) as Record<string, unknown>;
  } catch {
    return { note: 'details were not serializable' };
  }
}
