/**
 * An in-process async mutex per key: work on one key runs one at a time, in arrival order;
 * later callers queue instead of failing. Keys with nothing queued are forgotten. For processes
 * sharing a data dir, FileKeyedMutex (file-keyed-mutex.ts) puts a file lock behind this queue.
 *
 * @example const lock = new KeyedMutex(); await lock.run('acme/app#12', () => mergeIt());
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `work` once every earlier call on `key` has settled. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** True while some work on `key` is running or queued. */
  isBusy(key: string): boolean {
    return this.#tails.has(key);
  }
}
