/** Exponential backoff with full jitter: the nth delay is random in [base·2ⁿ/2, base·2ⁿ], capped. */
interface BackoffOptions {
  /** First delay in ms. Default 1,000. */
  baseMs?: number;
  /** Largest delay in ms. Default 60,000. */
  maxMs?: number;
  /** 0..1, random source (tests pass a fixed one). Default Math.random. */
  random?: () => number;
}

/**
 * The delay before attempt `attempt` (0-based). Half of it is fixed and half random, so a fleet
 * of runners reconnecting after a hub restart spreads out instead of arriving together.
 *
 * @example backoffDelay(3, { baseMs: 1000, maxMs: 60000 }); // between 4000 and 8000
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 1_000;
  const max = options.maxMs ?? 60_000;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Resolves after `ms`, or early (rejecting) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
