/** GitHub's default hourly budget for an installation token (REST "core" resource). */
const CORE_LIMIT = 5000;
const WINDOW_MS = 60 * 60 * 1000;

interface Bucket {
  used: number;
  resetAt: number;
}

/**
 * Counts requests per credential in one-hour windows and produces GitHub's `x-ratelimit-*`
 * headers, so clients (Octokit's throttling plugin) see realistic numbers.
 *
 * @example new RateLimitLedger().charge('token:1', Date.now())['x-ratelimit-remaining'] // '4999'
 */
export class RateLimitLedger {
  private readonly buckets = new Map<string, Bucket>();

  charge(key: string, nowMs: number, resource = 'core'): Record<string, string> {
    let bucket = this.buckets.get(key);
    if (!bucket || bucket.resetAt <= nowMs) {
      bucket = { used: 0, resetAt: nowMs + WINDOW_MS };
      this.buckets.set(key, bucket);
    }
    bucket.used += 1;
    return {
      'x-ratelimit-limit': String(CORE_LIMIT),
      'x-ratelimit-remaining': String(Math.max(0, CORE_LIMIT - bucket.used)),
      'x-ratelimit-reset': String(Math.floor(bucket.resetAt / 1000)),
      'x-ratelimit-used': String(bucket.used),
      'x-ratelimit-resource': resource,
    };
  }
}
