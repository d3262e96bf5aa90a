import type { Logger } from 'pino';

/**
 * Work that runs after a webhook was answered (waiting for a job's output), tracked so stop()
 * can wait for it a bounded time; failures are logged, never thrown into nowhere.
 *
 * @example const tasks = new BackgroundTasks(logger); tasks.run('exec j1', () => post()); await tasks.settle(5_000);
 */
export class BackgroundTasks {
  readonly #logger: Logger;
  readonly #running = new Set<Promise<void>>();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  run(name: string, work: () => Promise<void>): void {
    const task = work()
      .catch((error: unknown) =>
        this.#logger.error({ err: error, task: name }, `background task ${name} failed`),
      )
      .finally(() => this.#running.delete(task));
    this.#running.add(task);
  }

  get size(): number {
    return this.#running.size;
  }

  /** Waits for running tasks, at most `timeoutMs`. */
  async settle(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#running]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
  }
}
