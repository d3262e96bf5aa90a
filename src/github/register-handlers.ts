import type { Probot } from 'probot';
import type { DeliveryIntake } from './delivery-intake.ts';

/**
 * Subscribes KO to every verified delivery. Probot's middleware answers GitHub once this listener
 * resolves, and the listener only records and queues (delivery-intake.ts), so the answer comes at
 * once: the handlers run afterwards, from the queue. A listener that throws (the ledger could not
 * be written) makes the answer a 5xx, so GitHub records a failure the redelivery poller retries.
 *
 * @example registerHandlers(app, intake);
 */
export function registerHandlers(app: Probot, intake: DeliveryIntake): void {
  app.onAny(async (context) => {
    await intake.receive({ id: context.id, name: context.name, payload: context.payload });
  });
}
