import lockfile from 'proper-lockfile';
import { ConflictError, TransientError } from '../../contracts/errors.ts';

/**
 * Lock tuning. proper-lockfile takes the lock by `mkdir <file>.lock` (atomic on every file system,
 * network ones included) and refreshes the folder's mtime while held, so a lock whose holder
 * died is taken over once its mtime is older than `staleMs`.
 */
export interface LockOptions {
  /** A lock untouched this long is stale and may be taken over. Default 10000 (proper-lockfile's minimum is 2000). */
  staleMs?: number;
  /** Give up (TransientError STORE_LOCKED) after waiting about this long. Default 30000. */
  waitMs?: number;
  /** First retry delay; grows by 1.3× per try up to `maxDelayMs`, with jitter. Default 5. */
  minDelayMs?: number;
  /** Longest retry delay. Default 50: critical sections last a few ms (15 with fsync on a slow disk); shorter delays made 8 contending processes burn CPU polling (measured, see ADR 0003). */
  maxDelayMs?: number;
}

const DEFAULT_LOCK: Required<LockOptions> = {
  staleMs: 10_000,
  waitMs: 30_000,
  minDelayMs: 2,
  maxDelayMs: 25,
};

/** Passed to the critical section so it can refuse to commit once the lock was lost. */
export interface LockGuard {
  /** Throws ConflictError LOCK_COMPROMISED if the lock was taken over (we were too slow). */
  assertHeld(): void;
}

function retriesFor(options: Required<LockOptions>): number {
  // Sum of the geometric series until maxDelay, then linear: enough tries to cover waitMs.
  let total = 0;
  let delay = options.minDelayMs;
  let tries = 0;
  while (total < options.waitMs) {
    total += delay;
    delay = Math.min(delay * 1.3, options.maxDelayMs);
    tries += 1;
  }
  return tries;
}

/**
 * Runs `fn` while holding the cross-process lock `<file>.lock` (the file itself need not exist).
 *
 * @example await withFileLock('.ko/experience.json', async (guard) => { guard.assertHeld(); });
 */
export async function withFileLock<T>(
  file: string,
  fn: (guard: LockGuard) => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const settings = { ...DEFAULT_LOCK, ...options };
  let compromised: Error | undefined;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(file, {
      realpath: false,
      stale: settings.staleMs,
      retries: {
        retries: retriesFor(settings),
        factor: 1.3,
        minTimeout: settings.minDelayMs,
        maxTimeout: settings.maxDelayMs,
        randomize: true,
      },
      // The default throws from a timer and kills the process; record it and refuse to commit instead.
      onCompromised: (error) => {
        compromised = error;
      },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new TransientError(
        'STORE_LOCKED',
        `${file} is locked by another process (waited ${settings.waitMs} ms)`,
        {
          hint: `wait and retry; if no KO process is running, the lock ${file}.lock is taken over after ${settings.staleMs} ms`,
          cause: error,
        },
      );
    }
    throw error;
  }
  const guard: LockGuard = {
    assertHeld() {
      if (compromised) {
        throw new ConflictError(
          'LOCK_COMPROMISED',
          `lost the lock on ${file}: ${compromised.message}`,
          {
            hint: 'another process took the lock over; retry the operation',
            cause: compromised,
          },
        );
      }
    },
  };
  try {
    return await fn(guard);
  } finally {
    if (!compromised) await release();
  }
}
