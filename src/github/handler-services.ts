import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type {
  AuditSink,
  DispatchServices,
  KoOctokit,
} from '../commands/dispatch/dispatch-types.ts';
import type { AuditLog } from '../store/audit/audit-log.ts';

/** What the webhook handlers share. */
export interface HandlerServices extends DispatchServices {
  /** Undefined only in tests that run without a data dir. */
  auditLog: AuditLog | undefined;
  logger: Logger;
}

/**
 * What a handler gets for one delivery: the parts of Probot's Context KO reads, so the queue's
 * worker (in this process or, later, on Lambda) can build it from the ledger alone.
 */
export interface DeliveryContext {
  /** X-GitHub-Delivery. */
  id: string;
  /** X-GitHub-Event. */
  name: string;
  payload: unknown;
  /** Authenticated as the payload's installation (as the app when it has none). */
  octokit: KoOctokit;
}

/**
 * The W3C trace id of a delivery: derived from X-GitHub-Delivery, so a redelivery (same id)
 * lands in the same timeline.
 *
 * @example traceIdOf('72d3162e-cc78-11e3-81ab-4c9367dc0958').length; // 32
 */
export function traceIdOf(deliveryId: string): string {
  return createHash('sha256').update(deliveryId).digest('hex').slice(0, 32);
}

/**
 * An audit sink that stamps the delivery's trace id and the delivery id as corr_id.
 *
 * @example await auditSink(services, deliveryId)({ actor: 'ann', action: 'command.status', target: 'o/r#1', outcome: 'ok' });
 */
export function auditSink(services: HandlerServices, deliveryId: string): AuditSink {
  const trace_id = traceIdOf(deliveryId);
  return async (input) => {
    await services.auditLog?.append({
      ...input,
      trace_id: input.trace_id ?? trace_id,
      corr_id: deliveryId,
    });
  };
}
