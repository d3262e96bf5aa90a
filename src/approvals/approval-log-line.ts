import type { Logger } from 'pino';
import { withTrace } from '../telemetry/logger.ts';
import type { ApprovalItem, AuditEvent } from './approval-types.ts';

/**
 * Logs one approval request or decision (refused ones as warnings) with the item's `trace_id` (the asker's) and the
 * approval id as `corr_id`, so `ko trace` finds it next to the workflow's own lines.
 *
 * @example logApprovalEvent(logger, item, audit); // {"trace_id":"4bf9…","approval":"a7k2","msg":"approval.proceed a7k2 by bob: approved"}
 */
export function logApprovalEvent(logger: Logger, item: ApprovalItem, audit: AuditEvent): void {
  const traced = withTrace(logger, { trace_id: item.trace_id, corr_id: item.id });
  const refused = audit.outcome === 'refused';
  const reason = audit.reason === undefined ? '' : ` (${audit.reason})`;
  traced[refused ? 'warn' : 'info'](
    {
      event: audit.action,
      approval: item.id,
      kind: item.kind,
      pr: `${item.repo}#${item.pr}`,
      state: item.state,
      actor: audit.actor,
      outcome: audit.outcome,
    },
    `${audit.action} ${item.id} by ${audit.actor}: ${refused ? 'refused' : item.state}${reason}`,
  );
}
