import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ApprovalQueue, type ApprovalRequest } from '../../../src/approvals/approval-queue.ts';
import { InMemoryApprovalRepository } from '../../../src/approvals/approval-repository.ts';
import { MERGE_REQUEST, SHA_B, T0 } from './fixtures.ts';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const request: ApprovalRequest = { ...MERGE_REQUEST, traceId: TRACE };

function setup() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  const queue = new ApprovalQueue({
    repository: new InMemoryApprovalRepository(),
    now: () => T0,
    logger,
  });
  return { queue, lines };
}

describe('approval items carry the trace of whoever asked', () => {
  it('stores trace_id; every log line and audit event of the item, refusals included, carries it', async () => {
    const { queue, lines } = setup();
    const asked = await queue.request(request);
    expect(asked.item.trace_id).toBe(TRACE);
    await expect(queue.proceed(asked.item.id, 'ann')).rejects.toMatchObject({ code: 'FOUR_EYES' });
    const decided = await queue.proceed(asked.item.id, 'bob');
    // A push supersedes it: the void is in the same story.
    const voided = await queue.onHeadChanged('octo/app', 12, SHA_B, 'ko');
    expect(
      [...asked.audit, ...decided.audit, ...voided].map((e) => [e.action, e.trace_id]),
    ).toEqual([
      ['approval.request', TRACE],
      ['approval.proceed', TRACE],
      ['approval.void', TRACE],
    ]);
    expect(lines.map((l) => [l['trace_id'], l['corr_id'], l['level'], l['msg']])).toEqual([
      [TRACE, asked.item.id, 30, `approval.request ${asked.item.id} by ann: pending`],
      [
        TRACE,
        asked.item.id,
        40,
        `approval.proceed ${asked.item.id} by ann: refused (ann asked for this approval, so someone else must decide it (four eyes))`,
      ],
      [TRACE, asked.item.id, 30, `approval.proceed ${asked.item.id} by bob: approved`],
      [
        TRACE,
        asked.item.id,
        30,
        `approval.void ${asked.item.id} by ko: voided (the PR head moved from aaaaaaaaaaaa to bbbbbbbbbbbb)`,
      ],
    ]);
  });

  it('an item asked without a trace logs and audits without one (items stored before the field)', async () => {
    const { queue, lines } = setup();
    const { traceId: _dropped, ...untraced } = request;
    const { item, audit } = await queue.request(untraced);
    expect(item).not.toHaveProperty('trace_id');
    expect(audit[0]).not.toHaveProperty('trace_id');
    expect(lines[0]).not.toHaveProperty('trace_id');
  });

  it.each([
    { traceId: 'not-a-trace' },
    { traceId: TRACE.toUpperCase() },
    { traceId: `${TRACE}00` },
  ])('refuses traceId $traceId, naming the field', async ({ traceId }) => {
    const { queue } = setup();
    await expect(queue.request({ ...request, traceId })).rejects.toMatchObject({
      code: 'INVALID_APPROVAL_REQUEST',
      message: expect.stringContaining('traceId') as unknown,
    });
  });
});
