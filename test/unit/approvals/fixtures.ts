import type { ApprovalRequest } from '../../../src/approvals/approval-queue.ts';
import type { ApprovalItem } from '../../../src/approvals/approval-types.ts';

export const SHA_A = 'a'.repeat(40);
export const SHA_B = 'b'.repeat(40);
export const HASH_1 = '1'.repeat(64);
export const HASH_2 = '2'.repeat(64);
export const T0 = new Date('2026-11-27T12:00:00.000Z');

/** ann asks for the squash merge of octo/app#12 at SHA_A, to be answered within 60 minutes. */
export const MERGE_REQUEST: ApprovalRequest = {
  kind: 'merge',
  requester: 'ann',
  repo: 'octo/app',
  pr: 12,
  target: SHA_A,
  summary: 'squash merge of #12 at aaaaaaa',
  expiryMinutes: 60,
};

/** MERGE_REQUEST as the queue stores it: pending since T0, expiring after 60 minutes. */
export function pendingItem(overrides: Partial<ApprovalItem> = {}): ApprovalItem {
  const { expiryMinutes, ...asked } = MERGE_REQUEST;
  return {
    id: 'a7k2',
    ...asked,
    created_at: T0.toISOString(),
    expires_at: new Date(T0.getTime() + expiryMinutes * 60_000).toISOString(),
    state: 'pending',
    decided_by: null,
    decided_at: null,
    reason: null,
    version: 1,
    ...overrides,
  };
}

export function minutesAfterT0(minutes: number): Date {
  return new Date(T0.getTime() + minutes * 60_000);
}
