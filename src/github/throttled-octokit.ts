import { ProbotOctokit } from 'probot';

/** Rate-limit waits after which a request gives up instead of waiting again. */
const RATE_LIMIT_RETRIES = 3;
/** Longer waits than this are not worth holding a webhook for. */
const MAX_WAIT_SECONDS = 15 * 60;

interface ThrottledRequest {
  method: string;
  url: string;
  request: { retryCount: number };
}

interface WithLog {
  log: { warn: (message: string) => void };
}

function onLimit(kind: string) {
  return (retryAfter: number, options: object, octokit: object): boolean => {
    const request = options as ThrottledRequest;
    const retry = request.request.retryCount < RATE_LIMIT_RETRIES && retryAfter <= MAX_WAIT_SECONDS;
    (octokit as WithLog).log.warn(
      `${kind} rate limit on ${request.method} ${request.url}: ${retry ? `retrying in ${retryAfter} s (retry ${request.request.retryCount + 1}/${RATE_LIMIT_RETRIES})` : 'giving up'}`,
    );
    return retry;
  };
}

type OctokitOptions = NonNullable<ConstructorParameters<typeof ProbotOctokit>[0]>;

/**
 * Probot's Octokit (retry for 5xx, throttling, paginate, config) with bounded rate-limit waits:
 * primary and secondary limits wait as GitHub says and retry at most 3 times (Probot's own
 * handlers never retry a secondary limit). A function, so it runs after Probot has put its own
 * throttle options in, and ours win.
 *
 * @example Probot.defaults({ Octokit: KoOctokitClass, ... });
 */
export const KoOctokitClass = ProbotOctokit.defaults((options: OctokitOptions) => ({
  ...options,
  throttle: {
    ...options.throttle,
    onRateLimit: onLimit('primary'),
    onSecondaryRateLimit: onLimit('secondary'),
  },
}));
