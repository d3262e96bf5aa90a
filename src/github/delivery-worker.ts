import type { Logger } from 'pino';
import type { KoOctokit } from '../commands/dispatch/dispatch-types.ts';
import { describeFailure, isTransientFailure } from './delivery-error.ts';
import type { DeliveryError, DeliveryLedger } from './delivery-ledger.ts';
import { listenersFor } from './delivery-listeners.ts';
import { auditSink, traceIdOf, type HandlerServices } from './handler-services.ts';
import { readNumber } from './read-payload.ts';
import { runListeners } from './run-listeners.ts';

/** TRANSIENT failures: retried this many times after the first run (DESIGN.md: 3, with jitter). */
const DELIVERY_RETRY_DEFAULTS = { retries: 3, baseMs: 500 } as const;

export interface DeliveryWorkerDeps {
  ledger: DeliveryLedger;
  services: HandlerServices;
  /** An Octokit for the payload's installation; the app's own when the payload has none. */
  octokitFor: (installationId: number | undefined) => Promise<KoOctokit>;
  /** This process (`host:pid`), written on running deliveries. */
  workerId: string;
  retry?: { retries: number; baseMs: number };
  logger: Logger;
}

/** How one delivery ended in this worker; `skipped` when it was not waiting in the ledger. */
export interface DeliveryOutcome {
  id: string;
  state: 'done' | 'failed' | 'skipped';
  attempts: number;
  error?: DeliveryError;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The handling half of ack-first delivery: takes a recorded delivery (received → running), builds
 * the handler context from the ledger alone, runs every listener, retries TRANSIENT-only failures
 * with exponential backoff and full jitter, and records done or failed (failures also audited).
 * The same function serves the in-process queue and a queue worker elsewhere.
 *
 * @example const outcome = await processDelivery(deps, 'c0ffee00-…');
 */
export async function processDelivery(
  deps: DeliveryWorkerDeps,
  id: string,
): Promise<DeliveryOutcome> {
  const record = await deps.ledger.start(id, deps.workerId);
  if (!record) return { id, state: 'skipped', attempts: 0 };
  const log = deps.logger.child({ delivery: id, event: record.event, trace_id: traceIdOf(id) });
  const retry = deps.retry ?? DELIVERY_RETRY_DEFAULTS;
  let attempts = 0;
  let failure: unknown;
  for (;;) {
    attempts += 1;
    try {
      const octokit = await deps.octokitFor(readNumber(record.payload, 'installation.id'));
      const context = { id, name: record.event, payload: record.payload, octokit };
      await runListeners(log, listenersFor(deps.services, context));
      failure = undefined;
      break;
    } catch (error) {
      failure = error;
      if (!isTransientFailure(error) || attempts > retry.retries) break;
      const waitMs = Math.random() * retry.baseMs * 2 ** (attempts - 1);
      log.warn({ err: error, attempt: attempts, wait_ms: Math.round(waitMs) }, 'retrying delivery');
      await sleep(waitMs);
    }
  }
  if (failure === undefined) {
    await deps.ledger.finish(id, { attempts });
    log.debug({ attempts, key: record.key }, 'delivery handled');
    return { id, state: 'done', attempts };
  }
  const error = describeFailure(failure);
  await deps.ledger.finish(id, { attempts, error });
  log.error({ err: failure, attempts, code: error.code }, 'delivery failed');
  await auditSink(
    deps.services,
    id,
  )({
    actor: 'app',
    action: 'delivery.failed',
    target: `${record.event} delivery ${id}`,
    outcome: `${error.code} after ${attempts} attempt(s)${error.retryable ? ' (a redelivery is taken again)' : ''}`,
  }).catch((auditError: unknown) => log.warn({ err: auditError }, 'could not audit the failure'));
  return { id, state: 'failed', attempts, error };
}
