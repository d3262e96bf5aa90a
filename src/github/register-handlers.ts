import type { Context, Probot } from 'probot';
import { KoError } from '../../contracts/errors.ts';
import { onChecksCompleted, onGateButton } from './checks-handler.ts';
import type { DeliveryLedger } from './delivery-ledger.ts';
import type { HandlerServices } from './handler-services.ts';
import { onInstallation } from './installation-handler.ts';
import { onIssueComment } from './issue-comment-handler.ts';
import { onPullRequest } from './pull-request-handler.ts';
import { runListeners, type Listener } from './run-listeners.ts';
import { readString } from './read-payload.ts';

/** The events KO subscribes to (app.yml's default_events). */
export const SUBSCRIBED_EVENTS = [
  'pull_request',
  'check_suite',
  'check_run',
  'label',
  'issue_comment',
  'installation',
] as const;

function listenersFor(services: HandlerServices, context: Context): Listener[] {
  const action = readString(context.payload, 'action');
  switch (context.name) {
    case 'issue_comment':
      return [{ name: 'issue_comment', run: () => onIssueComment(services, context) }];
    case 'pull_request':
      return [{ name: 'pull_request', run: () => onPullRequest(services, context) }];
    case 'check_suite':
      return [{ name: 'check_suite', run: () => onChecksCompleted(services, context) }];
    case 'check_run':
      return action === 'requested_action'
        ? [{ name: 'check_run.requested_action', run: () => onGateButton(services, context) }]
        : [{ name: 'check_run', run: () => onChecksCompleted(services, context) }];
    case 'installation':
    case 'installation_repositories':
      return [{ name: context.name, run: () => onInstallation(services, context) }];
    default:
      return [];
  }
}

function transientOnly(error: unknown): boolean {
  const all = error instanceof AggregateError ? error.errors : [error];
  return all.every((e) => e instanceof KoError && e.exitClass === 'TRANSIENT');
}

/**
 * Subscribes the thin handlers. Every delivery is claimed in the ledger first, so a duplicate or
 * a redelivery of one already processed is skipped; a delivery whose only failures were
 * TRANSIENT is given back, so GitHub's redelivery (asked for by the poller) can try again.
 *
 * @example registerHandlers(app, services, ledger);
 */
export function registerHandlers(
  app: Probot,
  services: HandlerServices,
  ledger: DeliveryLedger | undefined,
): void {
  app.onAny(async (context) => {
    const listeners = listenersFor(services, context as Context);
    if (listeners.length === 0) {
      services.logger.debug({ delivery: context.id, event: context.name }, 'event not handled');
      return;
    }
    if (ledger && !(await ledger.claim(context.id))) {
      services.logger.info(
        { delivery: context.id, event: context.name },
        'delivery already processed: skipped',
      );
      return;
    }
    try {
      await runListeners(services.logger, listeners);
    } catch (error) {
      if (ledger && transientOnly(error)) await ledger.release(context.id);
      throw error;
    }
  });
}
