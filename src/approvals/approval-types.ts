export const APPROVAL_KINDS = ['merge', 'exec', 'rollback', 'synthetic'] as const;
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];

export type ApprovalState = 'pending' | 'approved' | 'aborted' | 'voided' | 'expired';

/** One request for a second person's yes or no. Times are ISO 8601 strings (UTC). */
export interface ApprovalItem {
  /** Short and typable, e.g. `a7k2` (see approval-id.ts). */
  id: string;
  kind: ApprovalKind;
  /** Login of whoever asked (a person, or the app's bot for scheduled work). */
  requester: string;
  /** `owner/name`. */
  repo: string;
  pr: number;
  /**
   * The exact thing approved: the head SHA for merge, synthetic and rollback; for exec the
   * guard's `approval_binding_sha256` (a sha256 of its parsed form and the exact text, so a
   * changed or re-obfuscated command needs its own approval). Nothing else is covered.
   */
  target: string;
  /** One line for people: "squash merge of #12 at 1a2b3c4", "exec `Remove-Item build`". */
  summary: string;
  created_at: string;
  /** Pending: the deadline to answer. Approved: how long the yes stays usable. */
  expires_at: string;
  state: ApprovalState;
  decided_by: string | null;
  decided_at: string | null;
  reason: string | null;
  /** Bumped on every save; the repository refuses a save based on a stale version. */
  version: number;
  /**
   * The W3C trace id of the workflow run or command that asked: the queue's log lines and audit
   * events for this item carry it, so `ko trace` shows the request and its decision in the asker's
   * story. Absent on items stored before it existed.
   */
  trace_id?: string;
}

export type AuditAction =
  'approval.request' | 'approval.proceed' | 'approval.abort' | 'approval.void' | 'approval.expire';

/** What the caller writes to the audit log for every request and decision, refused ones too. */
export interface AuditEvent {
  actor: string;
  action: AuditAction;
  /** e.g. `octo/app#12 approval a7k2 (merge 1a2b3c4d5e6f)`. */
  target: string;
  outcome: 'done' | 'refused';
  reason?: string;
  at: string;
  approval: Pick<ApprovalItem, 'id' | 'kind' | 'repo' | 'pr' | 'target'>;
  /** The item's trace_id: write the audit record under it (else under the caller's own trace). */
  trace_id?: string;
}
