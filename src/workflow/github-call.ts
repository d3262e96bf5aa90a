import type { Logger } from 'pino';
import { TransientError } from '../../contracts/errors.ts';

export interface RetryPolicy {
  /** Retries after the first attempt for 5xx and network errors. Default 4. */
  retries: number;
  /** First backoff in ms; doubles each retry, with full jitter. Default 250. */
  baseMs: number;
  /** The longest KO sleeps in-line for a rate limit; longer waits end the step (TRANSIENT). Default 60 000. */
  maxWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, baseMs: 250, maxWaitMs: 60_000 };

/** The parts of an Octokit RequestError this module reads. */
interface HttpFailure {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

/**
 * The HTTP status of an Octokit error, or undefined (network errors have none).
 *
 * @example statusOf(await call().catch((e) => e)); // 404
 */
export function statusOf(error: unknown): number | undefined {
  const status = (error as HttpFailure | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** How long a rate-limit answer asks to wait (ms), or undefined when it is not one. */
export function rateLimitWait(error: unknown, now: number): number | undefined {
  const status = statusOf(error);
  if (status !== 403 && status !== 429) return undefined;
  const headers = (error as HttpFailure).response?.headers ?? {};
  const retryAfter = Number(headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter >= 0 && headers['retry-after'] !== undefined) {
    return retryAfter * 1000;
  }
  if (String(headers['x-ratelimit-remaining']) === '0') {
    const reset = Number(headers['x-ratelimit-reset']) * 1000;
    return Number.isFinite(reset) ? Math.max(0, reset - now) + 250 : 60_000;
  }
  return status === 429 ? 60_000 : undefined;
}

/** Octokit reports network failures as RequestError status 500, so a missing status is a bug, not GitHub. */
function isServerSide(error: unknown): boolean {
  const status = statusOf(error);
  return status !== undefined && status >= 500;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs one GitHub call: 5xx answers (Octokit reports network errors as 500 too) are retried with
 * exponential backoff and full jitter; a rate limit (403/429 with `x-ratelimit-remaining: 0` or
 * `retry-after`) is waited out up to `maxWaitMs`. What is still failing becomes a TransientError
 * (GITHUB_UNAVAILABLE, or GITHUB_RATE_LIMITED with `details.retryAt`), which leaves the run on
 * its step for the next tick. Other errors (4xx, and errors without a status: bugs) are thrown
 * as they are.
 *
 * @example const { data } = await callGitHub('pulls.get', () => octokit.rest.pulls.get(p), { logger });
 */
export async function callGitHub<T>(
  label: string,
  call: () => Promise<T>,
  options: { logger: Logger; policy?: RetryPolicy; now?: () => number },
): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY;
  const now = options.now ?? Date.now;
  let failures = 0;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      const wait = rateLimitWait(error, now());
      if (wait !== undefined) {
        if (wait > policy.maxWaitMs) {
          throw new TransientError(
            'GITHUB_RATE_LIMITED',
            `${label}: rate limited for ${Math.round(wait / 1000)} s`,
            {
              hint: 'KO retries this step after the reset',
              cause: error,
              details: { retryAt: new Date(now() + wait).toISOString() },
            },
          );
        }
        options.logger.warn(
          { event: 'github.rate_limited', call: label, wait_ms: wait },
          `${label}: rate limited, waiting ${wait} ms`,
        );
        await sleep(wait);
        continue;
      }
      if (!isServerSide(error)) throw error;
      failures += 1;
      if (failures > policy.retries) {
        throw new TransientError(
          'GITHUB_UNAVAILABLE',
          `${label}: GitHub kept failing (${failures} attempts, last: ${(error as Error).message})`,
          {
            hint: 'KO retries this step on the next tick',
            cause: error,
          },
        );
      }
      const backoff = Math.round(Math.random() * policy.baseMs * 2 ** (failures - 1));
      options.logger.warn(
        {
          event: 'github.retry',
          call: label,
          status: statusOf(error),
          attempt: failures,
          backoff_ms: backoff,
        },
        `${label}: ${statusOf(error) ?? 'network error'}, retrying in ${backoff} ms`,
      );
      await sleep(backoff);
    }
  }
}
