import { auditEventsOf } from '../../approvals/approval-queue.ts';
import type { AuditEvent } from '../../approvals/approval-types.ts';
import { authorizeDecision } from '../authorize.ts';
import type { AuditSink, DispatchReply, DispatchServices } from './dispatch-types.ts';

/** What deciding needs besides the queue: who, on which PR, and where audit records go. */
export interface DecideInput {
  repo: string;
  pr: number;
  actor: string;
  action: 'proceed' | 'abort';
  /** The approval id, when the comment or button named one. */
  id?: string;
  audit: AuditSink;
}

async function writeAudit(audit: AuditSink, events: readonly AuditEvent[]): Promise<void> {
  for (const event of events) {
    await audit({
      actor: event.actor,
      action: event.action,
      target: event.target,
      outcome: event.reason === undefined ? event.outcome : `${event.outcome}: ${event.reason}`,
      trace_id: event.trace_id,
    });
  }
}

/**
 * Proceed or Abort on a pending approval, from `/ko approve|abort [id]` or a ko/gate button:
 * four eyes first (the requester never decides), then the queue, then the workflow is told.
 * Every decision, refused ones included, is audited.
 *
 * @example await decideApproval(services, { repo: 'acme/app', pr: 3, actor: 'bob', action: 'proceed', audit });
 */
export async function decideApproval(
  services: DispatchServices,
  input: DecideInput,
): Promise<DispatchReply> {
  const { approvals } = services;
  let item;
  try {
    item = await approvals.resolveForPr(input.repo, input.pr, input.id);
  } catch (error) {
    return { ok: false, body: describe(error) };
  }
  const four = authorizeDecision({ requester: item.requester, actor: input.actor });
  if (four.decision === 'deny') {
    await input.audit({
      actor: input.actor,
      action: `approval.${input.action}`,
      target: `${input.repo}#${input.pr} approval ${item.id}`,
      outcome: `refused: ${four.reason}`,
      trace_id: item.trace_id,
    });
    return {
      ok: false,
      body: `@${input.actor} cannot ${input.action} approval \`${item.id}\`: ${four.reason}.`,
    };
  }
  try {
    const result =
      input.action === 'proceed'
        ? await approvals.proceed(item.id, input.actor)
        : await approvals.abort(item.id, input.actor);
    await writeAudit(input.audit, result.audit);
    await services.workflow?.onApprovalDecided({ approvalId: item.id });
    const verb = input.action === 'proceed' ? 'approved' : 'aborted';
    return {
      ok: true,
      body: `Approval \`${item.id}\` (${item.summary}) was ${verb} by @${input.actor}.`,
    };
  } catch (error) {
    await writeAudit(input.audit, auditEventsOf(error));
    return { ok: false, body: describe(error) };
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const hint = (error as { hint?: string }).hint;
    return hint === undefined ? `${error.message}.` : `${error.message}: ${hint}.`;
  }
  throw error;
}
