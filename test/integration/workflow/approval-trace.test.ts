import { afterEach, describe, expect, it } from 'vitest';
import { decideApproval } from '../../../src/commands/dispatch/approval-commands.ts';
import { auditSink, traceIdOf } from '../../../src/github/handler-services.ts';
import { readTimeline } from '../../../src/workflow/trace-timeline.ts';
import {
  koYml,
  startHarness,
  tickUntilDone,
  tickUntilState,
  type Harness,
} from './workflow-harness.ts';

const MANUAL = koYml({ approval: { required: true, auto_approve_synthetic: false } });

describe('approvals in the workflow timeline', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('`ko trace <run trace>` shows the approval request, a refused and a given decision (from another delivery), then the merge, in order', async () => {
    h = await startHarness({ config: MANUAL });
    const { engine, queue, audit, logger } = await h.startEngine();
    const started = await engine.startSynthetic({
      installationId: h.installationId,
      ...h.repo,
      trigger: 'comment',
      requestedBy: 'alice',
      apply: true,
    });
    const waiting = await tickUntilState(engine, started.id, 'waiting_approval');
    const id = waiting.approval_id ?? '';
    // `/ko approve` comments arrive as their own deliveries, with their own trace ids.
    const services = {
      approvals: queue,
      workflow: engine,
      hub: undefined,
      logger,
      auditLog: audit,
      background: () => undefined,
    };
    const decide = (delivery: string, actor: string) =>
      decideApproval(services, {
        repo: 'acme/widgets',
        pr: waiting.pr ?? 0,
        actor,
        action: 'proceed',
        id,
        audit: auditSink(services, delivery),
      });
    expect((await decide('delivery-by-alice', 'alice')).ok).toBe(false);
    expect((await decide('delivery-by-bob', 'bob')).ok).toBe(true);
    const run = await tickUntilDone(engine, started.id);
    expect(run.state).toBe('merged');

    const story = await readTimeline({ dataDir: h.dataDir, traceId: run.trace_id });
    const approvalEvents = story
      .filter((e) => String(e.record['action'] ?? e.record['event']).startsWith('approval.'))
      .map(
        (e) =>
          `${e.source} ${String(e.record['action'] ?? e.record['event'])} ${String(e.record['actor'])}`,
      );
    // Within one event the audit record and the log line may share a millisecond; compare per source.
    expect(approvalEvents.filter((e) => e.startsWith('audit'))).toEqual([
      'audit approval.request alice',
      'audit approval.proceed alice',
      'audit approval.proceed bob',
    ]);
    // Four eyes refused alice before the queue was asked, so the queue logged no line for it.
    expect(approvalEvents.filter((e) => e.startsWith('log'))).toEqual([
      'log approval.request alice',
      'log approval.proceed bob',
    ]);
    const at = (pattern: RegExp) => story.findIndex((e) => pattern.test(e.text));
    expect(at(/approval\.request/)).toBeLessThan(at(/approval\.proceed/));
    expect(at(/alice approval\.proceed .* refused/)).toBeLessThan(
      at(/bob approval\.proceed .* done/),
    );
    expect(at(/bob approval\.proceed/)).toBeLessThan(at(/workflow\.merge/));
    // The decisions keep the deciding delivery as corr_id, and nothing of them stays in its own trace.
    const bobs = story.find((e) => e.source === 'audit' && e.record['actor'] === 'bob');
    expect(bobs?.record['corr_id']).toBe('delivery-by-bob');
    const elsewhere = await readTimeline({
      dataDir: h.dataDir,
      traceId: traceIdOf('delivery-by-bob'),
    });
    expect(elsewhere).toEqual([]);
  });
});
