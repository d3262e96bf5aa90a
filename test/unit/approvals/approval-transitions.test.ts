import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConflictError, PreconditionError } from '../../../contracts/errors.ts';
import { auditEventsOf } from '../../../src/approvals/approval-queue.ts';
import {
  applyApprovalEvent,
  type ApprovalEvent,
} from '../../../src/approvals/approval-transitions.ts';
import type { ApprovalState } from '../../../src/approvals/approval-types.ts';
import { minutesAfterT0, pendingItem } from './fixtures.ts';

const at = minutesAfterT0(10);
const events: Record<string, ApprovalEvent> = {
  proceed: { type: 'proceed', actor: 'bob', at },
  abort: { type: 'abort', actor: 'bob', at, reason: 'not today' },
  void: { type: 'void', actor: 'ko', at, reason: 'new push' },
  expire: { type: 'expire', at: minutesAfterT0(61) },
};

describe('applyApprovalEvent: the state machine', () => {
  const cases: { from: ApprovalState; event: string; expected: ApprovalState | string }[] = [
    { from: 'pending', event: 'proceed', expected: 'approved' },
    { from: 'pending', event: 'abort', expected: 'aborted' },
    { from: 'pending', event: 'void', expected: 'voided' },
    { from: 'pending', event: 'expire', expected: 'expired' },
    { from: 'approved', event: 'void', expected: 'voided' },
    { from: 'approved', event: 'expire', expected: 'expired' },
    { from: 'approved', event: 'proceed', expected: 'APPROVAL_NOT_PENDING' },
    { from: 'approved', event: 'abort', expected: 'APPROVAL_NOT_PENDING' },
    { from: 'aborted', event: 'proceed', expected: 'APPROVAL_NOT_PENDING' },
    { from: 'aborted', event: 'abort', expected: 'APPROVAL_NOT_PENDING' },
    { from: 'aborted', event: 'void', expected: 'APPROVAL_NOT_PENDING' },
    { from: 'aborted', event: 'expire', expected: 'APPROVAL_NOT_PENDING' },
    { from: 'voided', event: 'proceed', expected: 'APPROVAL_NOT_PENDING' },
    { from: 'voided', event: 'void', expected: 'APPROVAL_NOT_PENDING' },
    { from: 'expired', event: 'proceed', expected: 'APPROVAL_NOT_PENDING' },
    { from: 'expired', event: 'expire', expected: 'APPROVAL_NOT_PENDING' },
  ];
  it.each(cases)('$from + $event → $expected', ({ from, event, expected }) => {
    const item = pendingItem({ state: from, decided_by: from === 'pending' ? null : 'carol' });
    const run = () => applyApprovalEvent(item, events[event]!);
    if (expected === expected.toUpperCase()) {
      expect(run).toThrow(ConflictError);
      expect(run).toThrow(expect.objectContaining({ code: expected }));
      return;
    }
    const { item: next, audit } = run();
    expect(next.state).toBe(expected);
    expect(audit).toMatchObject({
      action: `approval.${event}`,
      outcome: 'done',
      target: 'octo/app#12 approval a7k2 (merge aaaaaaaaaaaa)',
    });
    expect(next.version).toBe(item.version);
  });

  it('names who decided an item already decided', () => {
    const item = pendingItem({ state: 'approved', decided_by: 'carol' });
    expect(() => applyApprovalEvent(item, events.abort!)).toThrow(/already approved by carol/);
  });

  const fourEyes = [
    { type: 'proceed', actor: 'ann' },
    { type: 'proceed', actor: 'ANN' },
    { type: 'abort', actor: 'Ann' },
  ] as const;
  it.each(fourEyes)('$type by the requester ($actor) is refused', ({ type, actor }) => {
    let caught: unknown;
    try {
      applyApprovalEvent(pendingItem(), { type, actor, at });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PreconditionError);
    expect(caught).toMatchObject({ code: 'FOUR_EYES' });
    expect(auditEventsOf(caught)).toEqual([
      expect.objectContaining({ actor, action: `approval.${type}`, outcome: 'refused' }),
    ]);
  });

  it.each(['proceed', 'abort'] as const)('%s after the deadline is refused', (type) => {
    expect(() =>
      applyApprovalEvent(pendingItem(), { type, actor: 'bob', at: minutesAfterT0(60) }),
    ).toThrow(expect.objectContaining({ code: 'APPROVAL_EXPIRED' }));
  });

  it('records who and when, and restarts the window from the yes', () => {
    const { item } = applyApprovalEvent(pendingItem(), events.proceed!);
    expect(item).toMatchObject({
      decided_by: 'bob',
      decided_at: at.toISOString(),
      reason: null,
      expires_at: minutesAfterT0(70).toISOString(),
    });
  });

  it('keeps the reason of an abort and a void, and explains an expiry', () => {
    expect(applyApprovalEvent(pendingItem(), events.abort!).item.reason).toBe('not today');
    expect(applyApprovalEvent(pendingItem(), events.void!).item.reason).toBe('new push');
    const expired = applyApprovalEvent(pendingItem(), events.expire!);
    expect(expired.item).toMatchObject({
      decided_by: 'ko',
      reason: `no answer by ${pendingItem().expires_at}`,
    });
    expect(expired.audit.actor).toBe('ko');
  });

  it('never leaves a final state and never changes the target, whatever the events', () => {
    const event = fc.oneof(
      fc.record({
        type: fc.constant('proceed' as const),
        actor: fc.constantFrom('ann', 'bob'),
        at: fc.constant(at),
      }),
      fc.record({
        type: fc.constant('abort' as const),
        actor: fc.constantFrom('ann', 'bob'),
        at: fc.constant(at),
      }),
      fc.record({
        type: fc.constant('void' as const),
        actor: fc.constant('ko'),
        at: fc.constant(at),
        reason: fc.constant('x'),
      }),
      fc.record({ type: fc.constant('expire' as const), at: fc.constant(at) }),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 8 }), (sequence) => {
        let item = pendingItem();
        const final = new Set(['aborted', 'voided', 'expired']);
        for (const e of sequence) {
          const before = item.state;
          try {
            item = applyApprovalEvent(item, e).item;
          } catch {
            continue;
          }
          expect(final.has(before)).toBe(false);
          if (e.type === 'proceed') expect(item.decided_by).not.toBe('ann');
          expect(item.target).toBe(pendingItem().target);
        }
      }),
    );
  });
});
