import { KoError } from '../../contracts/errors.ts';
import type { DeliveryError } from './delivery-ledger.ts';

function leaves(error: unknown): unknown[] {
  return error instanceof AggregateError ? error.errors : [error];
}

function transientOne(error: unknown): boolean {
  if (error instanceof KoError) return error.exitClass === 'TRANSIENT';
  // Octokit's RequestError: 5xx (network failures too, as 500) and 429 after its own retries.
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && (status >= 500 || status === 429);
}

/**
 * True when every failure in `error` might pass if tried again (the only class KO retries).
 *
 * @example isTransientFailure(new TransientError('GITHUB_UNAVAILABLE', '502')); // true
 */
export function isTransientFailure(error: unknown): boolean {
  const all = leaves(error);
  return all.length > 0 && all.every(transientOne);
}

function codeOf(error: unknown): string {
  if (error instanceof KoError) return error.code;
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? `HTTP_${status}` : 'UNEXPECTED';
}

/**
 * What the ledger keeps about a failed handler run: the first failure's code, a short message,
 * and whether a redelivery of the same id may be taken again.
 *
 * @example describeFailure(new LogicError('BUG', 'x')); // { code: 'BUG', message: 'x', retryable: false }
 */
export function describeFailure(error: unknown): DeliveryError {
  const all = leaves(error);
  const first = all[0];
  const text = first instanceof Error ? first.message : String(first);
  const message = all.length > 1 ? `${all.length} listeners failed; first: ${text}` : text;
  return {
    code: codeOf(first),
    message: message.length > 500 ? `${message.slice(0, 499)}…` : message,
    retryable: isTransientFailure(error),
  };
}
