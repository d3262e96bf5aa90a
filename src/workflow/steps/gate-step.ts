import type { ApprovalItem } from '../../approvals/approval-types.ts';
import { updateGate } from '../gate-check.ts';
import type { StepOutcome } from '../step-machine.ts';
import { fullName, type StepContext } from '../step-context.ts';
import { guardPull } from './pull-guard.ts';

/** The actor KO records when the repo config lets the synthetic workflow pass the gate itself. */
const AUTO_APPROVER = 'ko:auto-approve';

async function requestApproval(ctx: StepContext): Promise<ApprovalItem> {
  const { run } = ctx;
  const config = run.config;
  const what =
    run.kind === 'rollback'
      ? `revert of #${run.reverts_pr ?? '?'} via #${run.pr ?? '?'}`
      : `#${run.pr ?? '?'}`;
  const { item, audit } = await ctx.approvals.request({
    kind: run.kind,
    requester: run.requested_by,
    repo: fullName(run),
    pr: run.pr ?? 0,
    target: run.head_sha ?? '',
    summary: `${config?.merge.method ?? 'squash'} merge of ${what} at ${(run.head_sha ?? '').slice(0, 7)}`,
    expiryMinutes: config?.approval.expiry_minutes ?? 60,
    traceId: run.trace_id,
  });
  await ctx.auditApproval(audit);
  if (
    item.state === 'pending' &&
    run.kind === 'synthetic' &&
    config?.approval.auto_approve_synthetic
  ) {
    const decided = await ctx.approvals.proceed(item.id, AUTO_APPROVER);
    await ctx.auditApproval(decided.audit);
    return decided.item;
  }
  return item;
}

/**
 * Step `gate`: the approval for the checked head. Not required by config: passes. Otherwise asks
 * the queue (auto-approved only for synthetic runs where `approval.auto_approve_synthetic`), puts
 * Proceed/Abort on ko/gate and waits for the answer: approved goes on, aborted ends the run,
 * expired fails it, voided by a push goes back to the checks.
 *
 * @example const outcome = await gateStep(ctx);
 */
export async function gateStep(ctx: StepContext): Promise<StepOutcome> {
  const early = await guardPull(ctx);
  if (early) return early;
  const { run } = ctx;
  const head = run.head_sha ?? '';
  const required = run.config?.approval.required ?? true;
  const checks = (run.config?.checks.required ?? []).map((name) => ({
    name,
    state: 'success' as const,
  }));
  if (!required) {
    const gate = await updateGate(ctx, { headSha: head, checks, approvalRequired: false });
    return { type: 'next', detail: 'no approval required (approval.required: false)', patch: gate };
  }
  let item = run.approval_id === undefined ? undefined : await ctx.approvalItem(run.approval_id);
  if (item === undefined || item.target !== head) item = await requestApproval(ctx);
  const gate = await updateGate(ctx, {
    headSha: head,
    checks,
    approvalRequired: true,
    approval: item,
  });
  const patch = { ...gate, approval_id: item.id };
  switch (item.state) {
    case 'approved':
      return {
        type: 'next',
        detail: `approval ${item.id} given by ${item.decided_by ?? '?'}`,
        patch,
      };
    case 'pending':
      return {
        type: 'wait',
        state: 'waiting_approval',
        detail: `waiting for approval ${item.id}`,
        patch,
      };
    case 'aborted':
      return {
        type: 'end',
        state: 'aborted',
        detail: `approval ${item.id} aborted by ${item.decided_by ?? '?'}${item.reason ? `: ${item.reason}` : ''}`,
        patch,
      };
    case 'expired':
      return {
        type: 'end',
        state: 'failed',
        detail: `approval ${item.id} expired unanswered`,
        patch,
      };
    case 'voided':
      // A push voids through the head check above; any other void (withdrawn request) ends the run.
      return {
        type: 'end',
        state: 'withdrawn',
        detail: `approval ${item.id} voided: ${item.reason ?? 'no reason'}`,
        patch,
      };
  }
}
