import { readdir, readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkflowEngine } from '../../../src/workflow/workflow-engine.ts';
import type { WorkflowRun } from '../../../src/workflow/workflow-types.ts';
import {
  koYml,
  startHarness,
  tickUntilDone,
  tickUntilState,
  type Harness,
} from './workflow-harness.ts';

const NO_APPROVAL = koYml({ approval: { required: false } });

async function auditRecords(h: Harness): Promise<Record<string, unknown>[]> {
  const dir = `${h.dataDir}/audit`;
  const files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl')).sort();
  const text = (await Promise.all(files.map((f) => readFile(`${dir}/${f}`, 'utf8')))).join('');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A person's PR whose `build` fails; a merge run on it that ended failed on the checks. */
async function failedMergeRun(h: Harness) {
  const proc = await h.startEngine();
  const pr = h.sandbox.as('alice').openPullRequest('acme/widgets', {
    head: 'feature',
    title: 'Add feature',
    files: { 'feature.txt': 'yes\n' },
  }) as { number: number };
  const started = await proc.engine.requestMerge({
    installationId: h.installationId,
    ...h.repo,
    pr: pr.number,
    requestedBy: 'alice',
    apply: true,
  });
  const failed = await tickUntilDone(proc.engine, started.id);
  expect(failed.state).toBe('failed');
  expect(failed.reason).toBe('required check failed: build');
  return { ...proc, pr: pr.number, failed };
}

describe('/ko retry in the engine', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('restarts a run that failed on checks once they are fixed, at the checks step, to merged, under the same trace', async () => {
    h = await startHarness({ config: NO_APPROVAL, ciOutcome: 'failure' });
    const { engine, store, pr, failed } = await failedMergeRun(h);
    // The fix: the CI is repaired and a commit is pushed to the PR.
    h.sandbox.setCi('acme/widgets', {
      checks: [{ name: 'build', outcome: 'success', delayMs: 50 }],
    });
    const fixed = h.sandbox.as('alice').pushCommit('acme/widgets', {
      branch: 'feature',
      files: { 'feature.txt': 'fixed\n' },
    });
    const result = await engine.retry({ ...h.repo, pr, requestedBy: 'bob' });
    expect(result.outcome).toBe('restarted');
    if (result.outcome !== 'restarted') return;
    expect(result.run.id).toBe(failed.id);
    expect(result.from).toEqual({
      state: 'failed',
      step: 'checks',
      reason: 'required check failed: build',
    });
    const run = await tickUntilDone(engine, failed.id);
    expect(run.state).toBe('merged');
    expect(run.head_sha).toBe(fixed);
    expect(run.trace_id).toBe(failed.trace_id);
    expect(h.sandbox.getPullRequest('acme/widgets', pr).merged).toBe(true);
    expect(h.sandbox.readFile('acme/widgets', 'feature.txt')).toBe('fixed\n');
    // History: the first end, the retry, then the steps from checks on; nothing before checks again.
    const lines = run.history
      .filter((e) => e.status !== 'waiting')
      .map((e) => `${e.step}:${e.status}`);
    expect(lines).toEqual([
      'plan:done',
      'checks:ended',
      'checks:retried',
      'checks:done', // head moved to the fix: back to checks on the new head
      'checks:done',
      'gate:done',
      'merge:done',
      'record:ended',
    ]);
    expect(run.history.find((e) => e.status === 'retried')?.detail).toBe(
      'retried by @bob after it ended failed: required check failed: build',
    );
    const audit = await auditRecords(h);
    const retried = audit.filter((r) => r['action'] === 'workflow.retry');
    expect(retried).toHaveLength(1);
    expect(retried[0]).toMatchObject({
      actor: 'bob',
      trace_id: failed.trace_id,
      corr_id: failed.id,
      outcome: 'restarted at checks after failed: required check failed: build',
    });
    expect(
      audit
        .filter((r) => r['corr_id'] === failed.id)
        .every((r) => r['trace_id'] === failed.trace_id),
    ).toBe(true);
    // One line per run in the run history, with its final outcome.
    const lines2 = (await store.read()).runs.filter((r) => r.id === failed.id);
    expect(lines2).toHaveLength(1);
    expect(lines2[0]?.outcome).toBe('merged');
  });

  it('answers none on a PR without runs, and refuses a merged run', async () => {
    h = await startHarness({ config: NO_APPROVAL });
    const { engine } = await h.startEngine();
    expect(await engine.retry({ ...h.repo, pr: 7, requestedBy: 'bob' })).toEqual({
      outcome: 'none',
    });
    const started = await engine.startSynthetic({
      installationId: h.installationId,
      ...h.repo,
      trigger: 'comment',
      requestedBy: 'alice',
      apply: true,
    });
    const merged = await tickUntilDone(engine, started.id);
    expect(merged.state).toBe('merged');
    const result = await engine.retry({ ...h.repo, pr: merged.pr ?? 0, requestedBy: 'bob' });
    expect(result).toMatchObject({ outcome: 'refused', run: { id: merged.id } });
    expect(result.outcome === 'refused' && result.reason).toContain('already merged');
  });

  it('two retries at once restart the run once: one restarted, the other finds it active', async () => {
    h = await startHarness({ config: NO_APPROVAL, ciOutcome: 'failure' });
    const { engine, store, pr, failed } = await failedMergeRun(h);
    h.sandbox.setCi('acme/widgets', {
      checks: [{ name: 'build', outcome: 'success', delayMs: 50 }],
    });
    h.sandbox.as('alice').pushCommit('acme/widgets', {
      branch: 'feature',
      files: { 'feature.txt': 'fixed\n' },
    });
    const results = await Promise.all([
      engine.retry({ ...h.repo, pr, requestedBy: 'bob' }),
      engine.retry({ ...h.repo, pr, requestedBy: 'carol' }),
    ]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['active', 'restarted']);
    const run = await tickUntilDone(engine, failed.id);
    expect(run.state).toBe('merged');
    expect(run.history.filter((e) => e.status === 'retried')).toHaveLength(1);
    expect(Object.keys((await store.read()).workflows)).toEqual([failed.id]);
    expect(h.writes.filter((w) => w.endsWith('/merge'))).toHaveLength(1);
  });

  it('refuses an aborted run: a person decided, so a new /ko merge is needed', async () => {
    h = await startHarness({ config: koYml({ approval: { required: true } }) });
    const { engine, queue } = await h.startEngine();
    const { pr, started } = await requestFeatureMerge(h, engine);
    const run = await tickUntilState(engine, started.id, 'waiting_approval');
    await queue.abort(run.approval_id ?? '', 'bob', 'not this week');
    await engine.onApprovalDecided({ approvalId: run.approval_id ?? '' });
    expect((await engine.get(started.id))?.state).toBe('aborted');
    const refused = await engine.retry({ ...h.repo, pr: pr.number, requestedBy: 'alice' });
    expect(refused.outcome).toBe('refused');
    expect(refused.outcome === 'refused' && refused.reason).toContain('/ko merge');
    expect((await engine.get(started.id))?.state).toBe('aborted');
  });

  it('a run whose approval expired is retried at the gate with a new approval, and Proceed merges it', async () => {
    h = await startHarness({ config: koYml({ approval: { required: true, expiry_minutes: 60 } }) });
    let offsetMs = 0;
    const { engine, queue } = await h.startEngine({ now: () => new Date(Date.now() + offsetMs) });
    const { pr, started } = await requestFeatureMerge(h, engine);
    const waiting = await tickUntilState(engine, started.id, 'waiting_approval');
    offsetMs = 61 * 60_000;
    await engine.tick();
    const expired = await engine.get(started.id);
    expect(expired?.state).toBe('failed');
    expect(expired?.step).toBe('gate');
    const result = await engine.retry({ ...h.repo, pr: pr.number, requestedBy: 'alice' });
    expect(result.outcome).toBe('restarted');
    const again = await tickUntilState(engine, started.id, 'waiting_approval');
    expect(again.approval_id).toBeDefined();
    expect(again.approval_id).not.toBe(waiting.approval_id);
    // Four eyes still bind the original requester, who also retried.
    await expect(queue.proceed(again.approval_id ?? '', 'alice')).rejects.toMatchObject({
      code: 'FOUR_EYES',
    });
    await queue.proceed(again.approval_id ?? '', 'bob');
    await engine.onApprovalDecided({ approvalId: again.approval_id ?? '' });
    const run = await tickUntilDone(engine, started.id);
    expect(run.state).toBe('merged');
    expect(h.writes.filter((w) => w.endsWith('/merge'))).toHaveLength(1);
  });

  it('mayRetry refuses under the lock and nothing changes', async () => {
    h = await startHarness({ config: NO_APPROVAL, ciOutcome: 'failure' });
    const { engine, pr, failed } = await failedMergeRun(h);
    const seen: string[] = [];
    const result = await engine.retry({
      ...h.repo,
      pr,
      requestedBy: 'bob',
      mayRetry: async (run) => {
        seen.push(run.id);
        return 'bob may not';
      },
    });
    expect(result).toMatchObject({ outcome: 'refused', reason: 'bob may not' });
    expect(seen).toEqual([failed.id]);
    expect(await engine.get(failed.id)).toEqual(failed);
  });
});

/** Alice opens a feature PR and asks KO to merge it in apply mode. */
async function requestFeatureMerge(
  harness: Harness,
  engine: WorkflowEngine,
): Promise<{ pr: { number: number }; started: WorkflowRun }> {
  const pr = harness.sandbox.as('alice').openPullRequest('acme/widgets', {
    head: 'feature',
    title: 'Add feature',
    files: { 'feature.txt': 'yes\n' },
  }) as { number: number };
  const started = await engine.requestMerge({
    installationId: harness.installationId,
    ...harness.repo,
    pr: pr.number,
    requestedBy: 'alice',
    apply: true,
  });
  return { pr, started };
}
