import { describe, expect, it } from 'vitest';
import { ConflictError, PreconditionError } from '../../../contracts/errors.ts';
import {
  ApprovalQueue,
  auditEventsOf,
  type ApprovalRequest,
} from '../../../src/approvals/approval-queue.ts';
import { InMemoryApprovalRepository } from '../../../src/approvals/approval-repository.ts';
import {
  HASH_1,
  HASH_2,
  MERGE_REQUEST,
  SHA_A,
  SHA_B,
  T0,
  minutesAfterT0,
  pendingItem,
} from './fixtures.ts';

function setup(items = [] as ReturnType<typeof pendingItem>[]) {
  const clock = { now: T0 };
  const repository = new InMemoryApprovalRepository(items);
  const queue = new ApprovalQueue({ repository, now: () => clock.now });
  return { clock, repository, queue };
}

const mergeRequest = MERGE_REQUEST;
const execRequest: ApprovalRequest = {
  ...mergeRequest,
  kind: 'exec',
  target: HASH_1,
  summary: 'exec `Remove-Item build`',
};

async function refusal(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describe('ApprovalQueue: request', () => {
  it('creates a pending item with a short id, its expiry and an audit event', async () => {
    const { queue } = setup();
    const { item, audit } = await queue.request(mergeRequest);
    expect(item).toMatchObject({
      kind: 'merge',
      requester: 'ann',
      state: 'pending',
      created_at: T0.toISOString(),
      expires_at: minutesAfterT0(60).toISOString(),
      version: 1,
    });
    expect(item.id).toMatch(/^[2-9a-hjkmnp-z]{4}$/);
    expect(audit).toEqual([
      expect.objectContaining({ actor: 'ann', action: 'approval.request', outcome: 'done' }),
    ]);
  });

  it('returns the open request when the same thing is asked again', async () => {
    const { queue } = setup();
    const first = await queue.request(mergeRequest);
    const again = await queue.request({ ...mergeRequest, requester: 'bob' });
    expect(again.item.id).toBe(first.item.id);
    expect(again.audit).toEqual([]);
  });

  it('voids an open request for another target on the same PR', async () => {
    const { queue } = setup();
    const first = await queue.request(mergeRequest);
    const second = await queue.request({ ...mergeRequest, target: SHA_B });
    expect(second.item.id).not.toBe(first.item.id);
    expect(second.audit.map((a) => a.action)).toEqual(['approval.void', 'approval.request']);
    expect(await queue.listPending()).toEqual([second.item]);
  });

  it('keeps exec requests for different commands side by side', async () => {
    const { queue } = setup();
    const first = await queue.request(execRequest);
    const second = await queue.request({ ...execRequest, target: HASH_2 });
    expect(second.audit.map((a) => a.action)).toEqual(['approval.request']);
    expect((await queue.listPending()).map((i) => i.id)).toEqual([first.item.id, second.item.id]);
  });

  const invalid: { patch: Partial<ApprovalRequest>; field: string }[] = [
    { patch: { repo: 'octo' }, field: 'repo' },
    { patch: { pr: 0 }, field: 'pr' },
    { patch: { pr: 1.5 }, field: 'pr' },
    { patch: { requester: ' ' }, field: 'requester' },
    { patch: { target: 'abc123' }, field: 'target' },
    { patch: { target: SHA_A.toUpperCase() }, field: 'target' },
    { patch: { kind: 'exec', target: SHA_A }, field: 'target' },
    { patch: { expiryMinutes: 0 }, field: 'expiryMinutes' },
  ];
  it.each(invalid)('refuses a bad $field', async ({ patch, field }) => {
    const { queue } = setup();
    const error = await refusal(queue.request({ ...mergeRequest, ...patch }));
    expect(error).toBeInstanceOf(PreconditionError);
    expect(error).toMatchObject({ code: 'INVALID_APPROVAL_REQUEST' });
    expect((error as Error).message.startsWith(field)).toBe(true);
  });
});

describe('ApprovalQueue: decisions', () => {
  it('lets another person proceed, and the approval then matches exactly its target', async () => {
    const { queue } = setup();
    const { item } = await queue.request(mergeRequest);
    const { item: approved, audit } = await queue.proceed(item.id, 'bob');
    expect(approved).toMatchObject({ state: 'approved', decided_by: 'bob', version: 2 });
    expect(audit).toEqual([
      expect.objectContaining({ actor: 'bob', action: 'approval.proceed', outcome: 'done' }),
    ]);
    expect(
      await queue.findApproved({ kind: 'merge', repo: 'OCTO/app', pr: 12, target: SHA_A }),
    ).toEqual(approved);
    expect(
      await queue.findApproved({ kind: 'merge', repo: 'octo/app', pr: 12, target: SHA_B }),
    ).toBeUndefined();
    expect(
      await queue.findApproved({ kind: 'merge', repo: 'octo/app', pr: 13, target: SHA_A }),
    ).toBeUndefined();
    expect(
      await queue.findApproved({ kind: 'synthetic', repo: 'octo/app', pr: 12, target: SHA_A }),
    ).toBeUndefined();
  });

  it('does not match a changed command (another parsed-form hash)', async () => {
    const { queue } = setup();
    const { item } = await queue.request(execRequest);
    await queue.proceed(item.id, 'bob');
    expect(
      await queue.findApproved({ kind: 'exec', repo: 'octo/app', pr: 12, target: HASH_1 }),
    ).toBeDefined();
    expect(
      await queue.findApproved({ kind: 'exec', repo: 'octo/app', pr: 12, target: HASH_2 }),
    ).toBeUndefined();
  });

  it.each(['proceed', 'abort'] as const)(
    'refuses %s by the requester, with an audit event',
    async (action) => {
      const { queue } = setup();
      const { item } = await queue.request(mergeRequest);
      const error = await refusal(
        action === 'proceed' ? queue.proceed(item.id, 'Ann') : queue.abort(item.id, 'ann'),
      );
      expect(error).toMatchObject({ code: 'FOUR_EYES' });
      expect(auditEventsOf(error)).toEqual([
        expect.objectContaining({ outcome: 'refused', action: `approval.${action}` }),
      ]);
      expect((await queue.listPending()).map((i) => i.state)).toEqual(['pending']);
    },
  );

  it('refuses a second decision with a ConflictError', async () => {
    const { queue } = setup();
    const { item } = await queue.request(mergeRequest);
    await queue.abort(item.id, 'bob', 'wrong branch');
    const error = await refusal(queue.proceed(item.id, 'carol'));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({
      code: 'APPROVAL_NOT_PENDING',
      message: expect.stringContaining('already aborted by bob'),
    });
  });

  it('lets exactly one of two simultaneous answers win', async () => {
    const { queue } = setup();
    const { item } = await queue.request(mergeRequest);
    const results = await Promise.allSettled([
      queue.proceed(item.id, 'bob'),
      queue.abort(item.id, 'carol'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
  });

  it('refuses a decision based on a stale copy (two processes, one store)', async () => {
    const shared = new InMemoryApprovalRepository([pendingItem()]);
    const stale = await shared.load();
    await new ApprovalQueue({ repository: shared, now: () => T0 }).proceed('a7k2', 'bob');
    await expect(
      shared.save({ ...stale[0]!, state: 'aborted', version: 2 }, 1),
    ).rejects.toMatchObject({ code: 'APPROVAL_STALE' });
  });

  it('says when an id does not exist', async () => {
    const { queue } = setup();
    await expect(queue.proceed('zzzz', 'bob')).rejects.toMatchObject({
      code: 'APPROVAL_NOT_FOUND',
    });
    await expect(queue.void('zzzz', 'bob', 'x')).rejects.toMatchObject({
      code: 'APPROVAL_NOT_FOUND',
    });
  });

  it('accepts an id typed in capitals', async () => {
    const { queue } = setup([pendingItem()]);
    expect((await queue.proceed('A7K2', 'bob')).item.state).toBe('approved');
  });
});

describe('ApprovalQueue: voiding and expiry', () => {
  it('voids pending and approved merge approvals on a push, not exec ones or other PRs', async () => {
    const { queue, repository } = setup([
      pendingItem({ id: 'aaaa' }),
      pendingItem({ id: 'bbbb', kind: 'synthetic', state: 'approved', decided_by: 'bob' }),
      pendingItem({ id: 'cccc', kind: 'exec', target: HASH_1 }),
      pendingItem({ id: 'dddd', pr: 13 }),
      pendingItem({ id: 'eeee', kind: 'rollback', target: SHA_B }),
      pendingItem({ id: 'ffff', state: 'aborted' }),
    ]);
    const audit = await queue.onHeadChanged('octo/app', 12, SHA_B, 'pusher');
    expect(audit.map((a) => a.approval.id)).toEqual(['aaaa', 'bbbb']);
    expect(audit[0]).toMatchObject({
      actor: 'pusher',
      action: 'approval.void',
      reason: expect.stringContaining('head moved from aaaaaaaaaaaa to bbbbbbbbbbbb'),
    });
    const states = Object.fromEntries((await repository.load()).map((i) => [i.id, i.state]));
    expect(states).toEqual({
      aaaa: 'voided',
      bbbb: 'voided',
      cccc: 'pending',
      dddd: 'pending',
      eeee: 'pending',
      ffff: 'aborted',
    });
  });

  it('expires items past their deadline, pending or approved', async () => {
    const { queue, clock, repository } = setup([
      pendingItem({ id: 'aaaa' }),
      pendingItem({ id: 'bbbb', state: 'approved', expires_at: minutesAfterT0(30).toISOString() }),
      pendingItem({ id: 'cccc', expires_at: minutesAfterT0(120).toISOString() }),
    ]);
    clock.now = minutesAfterT0(60);
    const audit = await queue.expireDue();
    expect(audit.map((a) => [a.approval.id, a.action])).toEqual([
      ['aaaa', 'approval.expire'],
      ['bbbb', 'approval.expire'],
    ]);
    expect((await repository.load()).map((i) => i.state)).toEqual([
      'expired',
      'expired',
      'pending',
    ]);
  });

  it('records the expiry and refuses an answer after the deadline', async () => {
    const { queue, clock, repository } = setup([pendingItem()]);
    clock.now = minutesAfterT0(61);
    const error = await refusal(queue.proceed('a7k2', 'bob'));
    expect(error).toMatchObject({ code: 'APPROVAL_EXPIRED' });
    expect(auditEventsOf(error).map((a) => [a.action, a.outcome])).toEqual([
      ['approval.expire', 'done'],
      ['approval.proceed', 'refused'],
    ]);
    expect((await repository.load())[0]?.state).toBe('expired');
  });

  it('does not let an expired yes match, and hides expired items from the pending list', async () => {
    const { queue, clock } = setup([
      pendingItem({ id: 'aaaa', state: 'approved', decided_by: 'bob' }),
      pendingItem({ id: 'bbbb', pr: 13 }),
    ]);
    expect(
      await queue.findApproved({ kind: 'merge', repo: 'octo/app', pr: 12, target: SHA_A }),
    ).toBeDefined();
    clock.now = minutesAfterT0(60);
    expect(
      await queue.findApproved({ kind: 'merge', repo: 'octo/app', pr: 12, target: SHA_A }),
    ).toBeUndefined();
    expect(await queue.listPending()).toEqual([]);
  });

  it('replaces an expired request instead of returning it', async () => {
    const { queue, clock } = setup([pendingItem()]);
    clock.now = minutesAfterT0(90);
    const { item, audit } = await queue.request(mergeRequest);
    expect(item.id).not.toBe('a7k2');
    expect(audit.map((a) => a.action)).toEqual(['approval.expire', 'approval.request']);
  });

  it('voids one item on purpose (label removed)', async () => {
    const { queue } = setup([pendingItem()]);
    const { item } = await queue.void('a7k2', 'ann', 'the ko:merge label was removed');
    expect(item).toMatchObject({ state: 'voided', reason: 'the ko:merge label was removed' });
  });
});

describe('ApprovalQueue: resolveForPr', () => {
  const items = [
    pendingItem({ id: 'aaaa' }),
    pendingItem({ id: 'bbbb', kind: 'exec', target: HASH_1, summary: 'exec `x`' }),
    pendingItem({ id: 'cccc', pr: 13 }),
  ];
  const cases = [
    { pr: 13, id: undefined, expected: 'cccc' },
    { pr: 12, id: 'bbbb', expected: 'bbbb' },
    { pr: 12, id: 'BBBB', expected: 'bbbb' },
    { pr: 12, id: undefined, expected: 'AMBIGUOUS_APPROVAL' },
    { pr: 14, id: undefined, expected: 'NO_PENDING_APPROVAL' },
    { pr: 13, id: 'aaaa', expected: 'APPROVAL_NOT_FOUND' },
    { pr: 12, id: 'zzzz', expected: 'APPROVAL_NOT_FOUND' },
  ];
  it.each(cases)('PR $pr, id $id → $expected', async ({ pr, id, expected }) => {
    const { queue } = setup(items);
    const work = queue.resolveForPr('octo/app', pr, id);
    if (expected.length === 4) expect((await work).id).toBe(expected);
    else await expect(work).rejects.toMatchObject({ code: expected });
  });

  it('lists the candidates when the id is missing', async () => {
    const { queue } = setup(items);
    await expect(queue.resolveForPr('octo/app', 12)).rejects.toMatchObject({
      hint: expect.stringContaining('`/ko approve bbbb` (exec `x`)'),
    });
  });
});
