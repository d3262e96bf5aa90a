import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { KoError, TransientError } from '../../contracts/errors.ts';
import { withFileLock } from '../store/file-lock.ts';
import { sha256Hex } from '../store/sha256.ts';
import { KeyedMutex } from './keyed-mutex.ts';

export interface FileKeyedMutexOptions {
  /** Folder for the lock files (created on first use); every process sharing it shares the locks. */
  dir: string;
  /** A lock whose holder stopped refreshing it this long ago (it died) is taken over. Default 10 000 (minimum 2000). */
  staleMs?: number;
  /** Longest a caller waits, queue included, before TransientError LOCK_WAIT_TIMEOUT. Default 600 000. */
  waitMs?: number;
  /** First poll delay for a lock another process holds; grows by 1.3× with jitter. Default 10. */
  minDelayMs?: number;
  /** Longest poll delay. Default 250: a step holds the lock for seconds, so a quarter second late is cheap. */
  maxDelayMs?: number;
  /** Where a lost lock (taken over while held) is reported. */
  logger?: Logger;
}

const DEFAULTS = { staleMs: 10_000, waitMs: 600_000, minDelayMs: 10, maxDelayMs: 250 } as const;

/**
 * A folder for one family of locks next to the experience store, `<data dir>/locks/<name>`, so
 * every KO process that shares the data dir shares the locks.
 *
 * @example lockDirFor('/var/lib/ko/experience.json', 'pr'); // '/var/lib/ko/locks/pr'
 */
export function lockDirFor(storeFile: string, name: string): string {
  return join(dirname(storeFile), 'locks', name);
}

/**
 * A lock file name for any key: a readable slug plus a hash of the exact key, so `owner/repo#12`
 * (slashes, `#`, any case or length) becomes one safe name and two keys never share one.
 *
 * @example lockFileName('acme/App#12'); // 'acme-app-12-' + 16 hex characters
 */
export function lockFileName(key: string): string {
  const slug = key
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return `${slug === '' ? 'key' : slug}-${sha256Hex(key).slice(0, 16)}`;
}

/**
 * A mutex per key that holds across processes on one host sharing `dir`: callers in one process
 * queue in arrival order (only the head of the queue polls), and the head takes the file lock
 * `<dir>/<lockFileName(key)>.lock` (proper-lockfile: atomic mkdir, refreshed while held, taken
 * over once stale). Waiting is bounded by `waitMs`; past it the caller gets a TransientError.
 *
 * @example const lock = new FileKeyedMutex({ dir: '.ko/locks/pr' }); await lock.run('acme/app#12', () => mergeIt());
 */
export class FileKeyedMutex {
  readonly #queue = new KeyedMutex();
  readonly #options: Required<Omit<FileKeyedMutexOptions, 'logger'>>;
  readonly #logger: Logger | undefined;

  constructor(options: FileKeyedMutexOptions) {
    const { logger, ...rest } = options;
    this.#options = { ...DEFAULTS, ...rest };
    this.#logger = logger;
  }

  /** Runs `work` once every earlier call on `key`, in this process and in others, has finished. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.#options.waitMs;
    let gaveUp = false;
    let started = false;
    return new Promise<T>((resolve, reject) => {
      // Bounds the wait behind earlier callers of this process too, not only the file lock.
      const timer = setTimeout(() => {
        if (started) return;
        gaveUp = true;
        reject(this.#timeout(key));
      }, this.#options.waitMs);
      timer.unref();
      this.#queue
        .run(key, async () => {
          if (gaveUp) return undefined;
          started = true;
          clearTimeout(timer);
          return { value: await this.#locked(key, work, deadline) };
        })
        .then((done) => {
          if (done !== undefined) resolve(done.value);
        }, reject);
    });
  }

  /** True while some work on `key` is running or queued in this process. */
  isBusy(key: string): boolean {
    return this.#queue.isBusy(key);
  }

  async #locked<T>(key: string, work: () => Promise<T>, deadline: number): Promise<T> {
    const { dir, staleMs, minDelayMs, maxDelayMs } = this.#options;
    const file = join(dir, lockFileName(key));
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw this.#timeout(key);
    await mkdir(dir, { recursive: true });
    let entered = false;
    try {
      return await withFileLock(
        file,
        async (guard) => {
          entered = true;
          const result = await work();
          try {
            guard.assertHeld();
          } catch (error) {
            // The work is done and its steps are idempotent: report the lost lock, keep the result.
            this.#logger?.warn(
              { event: 'lock.compromised', key, file: `${file}.lock`, err: error },
              `the lock on ${key} was taken over while held (stale after ${staleMs} ms)`,
            );
          }
          return result;
        },
        { staleMs, waitMs: remaining, minDelayMs, maxDelayMs },
      );
    } catch (error) {
      if (!entered && error instanceof KoError && error.code === 'STORE_LOCKED') {
        throw this.#timeout(key, error);
      }
      throw error;
    }
  }

  #timeout(key: string, cause?: unknown): TransientError {
    const { dir, waitMs, staleMs } = this.#options;
    const file = join(dir, lockFileName(key));
    return new TransientError(
      'LOCK_WAIT_TIMEOUT',
      `waited ${waitMs} ms for the lock on ${key}, which another KO process (or earlier work) still holds`,
      {
        hint: `retry later; a holder that died is taken over ${staleMs} ms after its last refresh of ${file}.lock`,
        ...(cause === undefined ? {} : { cause }),
        details: { key, lock: `${file}.lock` },
      },
    );
  }
}
