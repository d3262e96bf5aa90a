/** One unit of work and the key it is serialized under. */
interface Entry<T> {
  key: string;
  item: T;
}

export interface KeyedQueueOptions<T> {
  /** Most items running at once, across keys. */
  concurrency: number;
  /** Runs one item; a rejection is the caller's to report (it is swallowed here). */
  run: (item: T) => Promise<void>;
  /** Start paused: items queue up until `resume()`. Default false. */
  paused?: boolean;
}

/**
 * An in-process work queue with bounded concurrency that runs items with the same key one at a
 * time, in the order they were pushed; items with other keys overtake a busy key, oldest first.
 * `stop` stops starting items and waits, bounded, for the running ones.
 *
 * @example
 * const q = new KeyedQueue({ concurrency: 4, run: (id: string) => handle(id) });
 * q.push('acme/app#1', 'd-1'); q.push('acme/app#1', 'd-2'); // d-2 starts after d-1 ends
 * await q.idle();
 */
export class KeyedQueue<T> {
  readonly #concurrency: number;
  readonly #run: (item: T) => Promise<void>;
  readonly #waiting: Entry<T>[] = [];
  readonly #busy = new Set<string>();
  readonly #running = new Set<Promise<void>>();
  #idle: (() => void)[] = [];
  #stopped = false;
  #paused: boolean;

  constructor(options: KeyedQueueOptions<T>) {
    if (!(options.concurrency >= 1)) throw new RangeError('concurrency must be at least 1');
    this.#concurrency = options.concurrency;
    this.#run = options.run;
    this.#paused = options.paused ?? false;
  }

  /** Items waiting, and items running. */
  get size(): { waiting: number; running: number } {
    return { waiting: this.#waiting.length, running: this.#running.size };
  }

  push(key: string, item: T): void {
    this.#waiting.push({ key, item });
    this.#pump();
  }

  /** Starts running what waits (after `paused: true`). */
  resume(): void {
    this.#paused = false;
    this.#pump();
  }

  /** Resolves once nothing waits (that can start) and nothing runs. */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Starts nothing more; waits at most `timeoutMs` for running items. Returns what never started. */
  async stop(timeoutMs: number): Promise<T[]> {
    this.#stopped = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#running]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    return this.#waiting.map((entry) => entry.item);
  }

  #isIdle(): boolean {
    return this.#running.size === 0 && (this.#stopped || this.#waiting.length === 0);
  }

  #pump(): void {
    while (!this.#stopped && !this.#paused && this.#running.size < this.#concurrency) {
      const index = this.#waiting.findIndex((entry) => !this.#busy.has(entry.key));
      if (index < 0) break;
      const [entry] = this.#waiting.splice(index, 1) as [Entry<T>];
      this.#busy.add(entry.key);
      const task: Promise<void> = Promise.resolve()
        .then(() => this.#run(entry.item))
        .catch(() => undefined)
        .finally(() => {
          this.#busy.delete(entry.key);
          this.#running.delete(task);
          this.#pump();
        });
      this.#running.add(task);
    }
    if (this.#isIdle()) {
      const waiters = this.#idle;
      this.#idle = [];
      for (const resolve of waiters) resolve();
    }
  }
}
