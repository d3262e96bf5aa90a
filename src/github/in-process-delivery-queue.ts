import type { Logger } from 'pino';
import type { DeliveryQueuePort } from './delivery-intake.ts';
import type { QueuedDelivery } from './delivery-ledger.ts';
import type { DeliveryOutcome } from './delivery-worker.ts';
import { KeyedQueue } from './keyed-queue.ts';

/** Defaults: a few handlers at once (they mostly wait on GitHub), a bounded memory of outcomes. */
const QUEUE_DEFAULTS = { concurrency: 4, remembered: 1_000 } as const;

export interface InProcessDeliveryQueueOptions {
  /** Handles one recorded delivery (delivery-worker.ts's processDelivery). */
  process: (id: string) => Promise<DeliveryOutcome>;
  logger: Logger;
  /** Handlers running at once, across pull requests. Default 4. */
  concurrency?: number;
  /** Queue only, run nothing until `resume()` (while the app finishes starting). Default false. */
  paused?: boolean;
}

/**
 * The embedded queue between the webhook answer and the handlers: bounded concurrency, one
 * delivery at a time per ordering key in arrival order (KeyedQueue). It holds only ids; the
 * ledger holds the payloads, so what is queued here and lost in a crash is recovered from the
 * ledger at the next start. `settled(id)` and `idle()` let tests and benchmarks wait for the
 * handlers without sleeping.
 *
 * @example const queue = new InProcessDeliveryQueue({ process: (id) => processDelivery(deps, id), logger });
 */
export class InProcessDeliveryQueue implements DeliveryQueuePort {
  readonly #queue: KeyedQueue<string>;
  readonly #logger: Logger;
  readonly #waiters = new Map<string, ((outcome: DeliveryOutcome) => void)[]>();
  readonly #outcomes = new Map<string, DeliveryOutcome>();

  constructor(options: InProcessDeliveryQueueOptions) {
    this.#logger = options.logger;
    this.#queue = new KeyedQueue<string>({
      concurrency: options.concurrency ?? QUEUE_DEFAULTS.concurrency,
      paused: options.paused ?? false,
      run: async (id) => {
        const outcome = await options.process(id).catch((error: unknown) => {
          // The ledger itself failed (disk): the delivery stays running there and is marked
          // interrupted at the next start.
          this.#logger.error({ err: error, delivery: id }, 'delivery could not be processed');
          return { id, state: 'failed', attempts: 0 } satisfies DeliveryOutcome;
        });
        this.#settle(outcome);
      },
    });
  }

  enqueue(delivery: QueuedDelivery): void {
    this.#outcomes.delete(delivery.id);
    this.#queue.push(delivery.key, delivery.id);
  }

  /** Starts handling (the app is fully started). */
  resume(): void {
    this.#queue.resume();
  }

  /** Waiting and running deliveries. */
  get size(): { waiting: number; running: number } {
    return this.#queue.size;
  }

  /**
   * Resolves with how delivery `id` ended in this process (at once if it already has). Only for
   * ids this queue gets: an ignored event or a skipped duplicate never settles here.
   */
  settled(id: string): Promise<DeliveryOutcome> {
    const known = this.#outcomes.get(id);
    if (known) return Promise.resolve(known);
    return new Promise((resolve) => {
      this.#waiters.set(id, [...(this.#waiters.get(id) ?? []), resolve]);
    });
  }

  /** Resolves once nothing is waiting or running. */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  /**
   * Starts no more deliveries and waits at most `timeoutMs` for running ones. Those never
   * started stay `received` in the ledger and run at the next start.
   */
  async stop(timeoutMs: number): Promise<void> {
    const left = await this.#queue.stop(timeoutMs);
    const { running } = this.#queue.size;
    if (left.length > 0 || running > 0) {
      this.#logger.warn(
        { waiting: left.length, running },
        'deliveries left for the next start (waiting ones run then; running ones are marked interrupted)',
      );
    }
  }

  #settle(outcome: DeliveryOutcome): void {
    this.#outcomes.set(outcome.id, outcome);
    if (this.#outcomes.size > QUEUE_DEFAULTS.remembered) {
      const oldest = this.#outcomes.keys().next().value;
      if (oldest !== undefined) this.#outcomes.delete(oldest);
    }
    const waiters = this.#waiters.get(outcome.id) ?? [];
    this.#waiters.delete(outcome.id);
    for (const resolve of waiters) resolve(outcome);
  }
}
