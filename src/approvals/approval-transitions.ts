import { ConflictError, PreconditionError } from '../../contracts/errors.ts';
import type { ApprovalItem, ApprovalState, AuditAction, AuditEvent } from './approval-types.ts';
import { fourEyesViolation } from './four-eyes.ts';

export type ApprovalEvent =
  | { type: 'proceed'; actor: string; at: Date }
  | { type: 'abort'; actor: string; at: Date; reason?: string }
  | { type: 'void'; actor: string; at: Date; reason: string }
  | { type: 'expire'; at: Date };

/** Which states each event may start from; everything else is refused. */
const ALLOWED_FROM: Readonly<Record<ApprovalEvent['type'], readonly ApprovalState[]>> = {
  proceed: ['pending'],
  abort: ['pending'],
  // A yes that was given can still be voided (new push) or run out before it is used.
  void: ['pending', 'approved'],
  expire: ['pending', 'approved'],
};

const NEXT_STATE: Readonly<Record<ApprovalEvent['type'], ApprovalState>> = {
  proceed: 'approved',
  abort: 'aborted',
  void: 'voided',
  expire: 'expired',
};

/**
 * A short description of an item for audit records and messages.
 *
 * @example describeItem(item); // 'octo/app#12 approval a7k2 (merge 1a2b3c4d5e6f)'
 */
function describeItem(item: ApprovalItem): string {
  return `${item.repo}#${item.pr} approval ${item.id} (${item.kind} ${item.target.slice(0, 12)})`;
}

/**
 * The audit event for an event on an item.
 *
 * @example auditFor(item, 'approval.proceed', 'bob', 'done', new Date());
 */
export function auditFor(
  item: ApprovalItem,
  action: AuditAction,
  actor: string,
  outcome: AuditEvent['outcome'],
  at: Date,
  reason?: string,
): AuditEvent {
  return {
    actor,
    action,
    target: describeItem(item),
    outcome,
    ...(reason === undefined ? {} : { reason }),
    at: at.toISOString(),
    approval: { id: item.id, kind: item.kind, repo: item.repo, pr: item.pr, target: item.target },
    ...(item.trace_id === undefined ? {} : { trace_id: item.trace_id }),
  };
}

/**
 * True when the item's deadline has passed at `now`.
 *
 * @example isDue(item, new Date('2030-01-01T00:00:00Z')); // true
 */
export function isDue(item: ApprovalItem, now: Date): boolean {
  return now.getTime() >= Date.parse(item.expires_at);
}

/**
 * Applies an event to an item: the new item (version not yet bumped: the repository does that)
 * and the audit event. Refusals throw: ConflictError APPROVAL_NOT_PENDING (already decided),
 * ConflictError APPROVAL_EXPIRED (deadline passed; expire it first), PreconditionError FOUR_EYES
 * (the requester tried to decide). Thrown errors carry the refused audit event in
 * `details.audit` (an array).
 *
 * @example applyApprovalEvent(item, { type: 'proceed', actor: 'bob', at: new Date() }).item.state; // 'approved'
 */
export function applyApprovalEvent(
  item: ApprovalItem,
  event: ApprovalEvent,
): { item: ApprovalItem; audit: AuditEvent } {
  const actor = event.type === 'expire' ? 'ko' : event.actor;
  const action: AuditAction = `approval.${event.type}`;
  const refuse = (
    ErrorClass: typeof ConflictError | typeof PreconditionError,
    code: string,
    reason: string,
    hint: string,
  ): never => {
    throw new ErrorClass(code, `Cannot ${event.type}: ${reason}`, {
      hint,
      details: { audit: [auditFor(item, action, actor, 'refused', event.at, reason)] },
    });
  };
  if (!ALLOWED_FROM[event.type].includes(item.state)) {
    const by = item.decided_by === null ? '' : ` by ${item.decided_by}`;
    refuse(
      ConflictError,
      'APPROVAL_NOT_PENDING',
      `approval ${item.id} is already ${item.state}${by}`,
      'nothing is left to decide; ask for a new approval if the work should still happen',
    );
  }
  if (event.type === 'proceed' || event.type === 'abort') {
    if (isDue(item, event.at)) {
      refuse(
        ConflictError,
        'APPROVAL_EXPIRED',
        `approval ${item.id} expired at ${item.expires_at}`,
        'ask for a new approval',
      );
    }
    const violation = fourEyesViolation(item.requester, event.actor);
    if (violation !== undefined) {
      refuse(
        PreconditionError,
        'FOUR_EYES',
        violation,
        'ask another person with the needed permission to decide it',
      );
    }
  }
  const at = event.at.toISOString();
  const reason =
    event.type === 'void' ? event.reason : event.type === 'abort' ? (event.reason ?? null) : null;
  const next: ApprovalItem = {
    ...item,
    state: NEXT_STATE[event.type],
    decided_by: actor,
    decided_at: at,
    reason: event.type === 'expire' ? `no answer by ${item.expires_at}` : reason,
  };
  if (event.type === 'proceed') {
    // The yes stays usable for as long as the question was open, counted from the answer.
    const window = Date.parse(item.expires_at) - Date.parse(item.created_at);
    next.expires_at = new Date(event.at.getTime() + window).toISOString();
  }
  return {
    item: next,
    audit: auditFor(item, action, actor, 'done', event.at, next.reason ?? undefined),
  };
}
