import type { Logger } from 'pino';
import type { KoOctokit } from '../commands/dispatch/dispatch-types.ts';
import { DeliveryIntake } from './delivery-intake.ts';
import type { DeliveryLedger } from './delivery-ledger.ts';
import { processDelivery } from './delivery-worker.ts';
import { auditSink, type HandlerServices } from './handler-services.ts';
import { InProcessDeliveryQueue } from './in-process-delivery-queue.ts';
import { currentWorkerId, isOtherLiveWorker } from './worker-id.ts';

export interface OpenDeliveriesOptions {
  ledger: DeliveryLedger;
  services: HandlerServices;
  octokitFor: (installationId: number | undefined) => Promise<KoOctokit>;
  logger: Logger;
  /** Handlers running at once. Default 4. */
  concurrency?: number;
  /** Retries of TRANSIENT handler failures. Default 3, from 500 ms, doubling, full jitter. */
  retry?: { retries: number; baseMs: number };
}

/** The ack-first delivery path of one app process. */
export interface Deliveries {
  /** What the webhook listener calls: record, queue, return. */
  intake: DeliveryIntake;
  /** The in-process queue: `settled(id)`, `idle()`, `stop(ms)`. */
  queue: InProcessDeliveryQueue;
  /** Queues what an earlier process recorded but never started; marks its half-done runs failed. */
  recover(): Promise<{ pending: number; interrupted: number }>;
}

/**
 * Wires the delivery ledger, the in-process queue and the worker (ADR 0006).
 *
 * @example const deliveries = openDeliveries({ ledger, services, octokitFor, logger }); await deliveries.recover();
 */
export function openDeliveries(options: OpenDeliveriesOptions): Deliveries {
  const { ledger, logger } = options;
  const workerId = currentWorkerId();
  const queue = new InProcessDeliveryQueue({
    logger,
    // Resumed by the app once the hub is attached: recovered deliveries go first, in order.
    paused: true,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    process: (id) =>
      processDelivery(
        {
          ledger,
          services: options.services,
          octokitFor: options.octokitFor,
          workerId,
          logger,
          ...(options.retry === undefined ? {} : { retry: options.retry }),
        },
        id,
      ),
  });
  return {
    intake: new DeliveryIntake({ ledger, queue, logger }),
    queue,
    async recover() {
      const found = await ledger.recover(isOtherLiveWorker);
      for (const lost of found.interrupted) {
        logger.error(
          { delivery: lost.id, event: lost.event, worker: lost.worker },
          'delivery interrupted by a stop or crash: marked failed, not run again',
        );
        await auditSink(
          options.services,
          lost.id,
        )({
          actor: 'app',
          action: 'delivery.interrupted',
          target: `${lost.event} delivery ${lost.id}`,
          outcome: `failed: DELIVERY_INTERRUPTED (worker ${lost.worker ?? 'unknown'})`,
        });
      }
      for (const delivery of found.pending) queue.enqueue(delivery);
      if (found.pending.length > 0) {
        logger.info({ count: found.pending.length }, 'deliveries recorded before a restart queued');
      }
      return { pending: found.pending.length, interrupted: found.interrupted.length };
    },
  };
}
