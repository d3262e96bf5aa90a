import { configPushHint } from '../workflow/config-push.ts';
import { onChecksCompleted, onGateButton } from './checks-handler.ts';
import type { DeliveryContext, HandlerServices } from './handler-services.ts';
import { onInstallation } from './installation-handler.ts';
import { onIssueComment } from './issue-comment-handler.ts';
import { onPullRequest } from './pull-request-handler.ts';
import { readString } from './read-payload.ts';
import type { Listener } from './run-listeners.ts';

/** The events KO subscribes to (app.yml's default_events). */
export const SUBSCRIBED_EVENTS = [
  'pull_request',
  'check_suite',
  'check_run',
  'label',
  'issue_comment',
  'installation',
  'push',
] as const;

/** Events with a handler; other deliveries are answered and not recorded. */
const HANDLED = new Set<string>([
  'issue_comment',
  'pull_request',
  'check_suite',
  'check_run',
  'installation',
  'installation_repositories',
  'push',
]);

/**
 * True when KO has a handler for this event (only those are recorded and queued).
 *
 * @example isHandledEvent('issue_comment'); // true
 */
export function isHandledEvent(name: string): boolean {
  return HANDLED.has(name);
}

/**
 * The thin handlers one delivery runs.
 *
 * @example await runListeners(logger, listenersFor(services, context));
 */
export function listenersFor(services: HandlerServices, context: DeliveryContext): Listener[] {
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
    case 'push': {
      // Only a push to the default branch that (maybe) touched .github/ko.yml matters.
      const repo = configPushHint(context.payload);
      const workflow = services.workflow;
      return repo && workflow
        ? [{ name: 'push', run: () => workflow.onRepoConfigPushed(repo) }]
        : [];
    }
    default:
      return [];
  }
}
