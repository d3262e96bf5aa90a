import type { Logger } from 'pino';
import type { DeliveryLedger, QueuedDelivery } from './delivery-ledger.ts';
import { deliveryKey } from './delivery-key.ts';
import { isHandledEvent } from './delivery-listeners.ts';

/**
 * Where recorded deliveries go to be handled: the in-process queue (in-process-delivery-queue.ts)
 * or, on AWS, an SQS FIFO queue (MessageGroupId = key, MessageDeduplicationId = id; ADR 0006).
 */
export interface DeliveryQueuePort {
  enqueue(delivery: QueuedDelivery): void | Promise<void>;
}

/** One verified webhook: X-GitHub-Delivery, X-GitHub-Event and the parsed body. */
export interface ReceivedWebhook {
  id: string;
  name: string;
  payload: unknown;
}

export type IntakeResult = 'queued' | 'duplicate' | 'ignored';

/**
 * The receiving half of ack-first delivery: a verified webhook is recorded in the ledger (payload
 * included) and queued, and only then answered, so the HTTP answer never waits for a handler and
 * a crash after it loses nothing. A recording failure throws, which makes the answer a 5xx that
 * the redelivery poller picks up later.
 *
 * @example const intake = new DeliveryIntake({ ledger, queue, logger }); await intake.receive({ id, name, payload });
 */
export class DeliveryIntake {
  readonly #ledger: DeliveryLedger;
  readonly #queue: DeliveryQueuePort;
  readonly #logger: Logger;

  constructor(deps: { ledger: DeliveryLedger; queue: DeliveryQueuePort; logger: Logger }) {
    this.#ledger = deps.ledger;
    this.#queue = deps.queue;
    this.#logger = deps.logger;
  }

  async receive(webhook: ReceivedWebhook): Promise<IntakeResult> {
    const log = { delivery: webhook.id, event: webhook.name };
    if (!isHandledEvent(webhook.name)) {
      this.#logger.debug(log, 'event not handled');
      return 'ignored';
    }
    const key = deliveryKey(webhook.name, webhook.payload, webhook.id);
    const taken = await this.#ledger.receive({
      id: webhook.id,
      event: webhook.name,
      key,
      payload: webhook.payload,
    });
    if (!taken) {
      this.#logger.info(log, 'delivery already processed: skipped');
      return 'duplicate';
    }
    await this.#queue.enqueue({ id: webhook.id, key });
    this.#logger.debug({ ...log, key }, 'delivery recorded and queued');
    return 'queued';
  }
}
