import { updateGate } from '../gate-check.ts';
import { readChecks } from '../read-checks.ts';
import type { StepOutcome } from '../step-machine.ts';
import type { StepContext } from '../step-context.ts';
import { guardPull } from './pull-guard.ts';

/**
 * Step `checks`: waits for the required checks on the head SHA (ko/gate says so). A failed check
 * fails the run, naming it; so does the checks timeout.
 *
 * @example const outcome = await checksStep(ctx);
 */
export async function checksStep(ctx: StepContext): Promise<StepOutcome> {
  const early = await guardPull(ctx);
  if (early) return early;
  const { run } = ctx;
  const config = run.config;
  const head = run.head_sha ?? '';
  const checks = await readChecks(ctx, head, config?.checks.required ?? []);
  const gate = await updateGate(ctx, {
    headSha: head,
    checks,
    approvalRequired: config?.approval.required ?? true,
  });
  const failed = checks.filter((c) => c.state === 'failure').map((c) => c.name);
  if (failed.length > 0) {
    return {
      type: 'end',
      state: 'failed',
      detail: `required check failed: ${failed.join(', ')}`,
      patch: gate,
    };
  }
  const waiting = checks.filter((c) => c.state !== 'success').map((c) => c.name);
  if (waiting.length === 0) {
    const names = checks.map((c) => c.name).join(', ') || 'none reported';
    return { type: 'next', detail: `checks passed on ${head.slice(0, 12)}: ${names}`, patch: gate };
  }
  const since = Date.parse(run.checks_since ?? run.started_at);
  const timeoutMs = (config?.checks.timeout_minutes ?? 60) * 60_000;
  if (ctx.now().getTime() - since > timeoutMs) {
    return {
      type: 'end',
      state: 'failed',
      detail: `checks timed out after ${config?.checks.timeout_minutes ?? 60} min: ${waiting.join(', ')}`,
      patch: gate,
    };
  }
  return {
    type: 'wait',
    state: 'waiting_checks',
    detail: `waiting for checks: ${waiting.join(', ')}`,
    patch: gate,
  };
}
