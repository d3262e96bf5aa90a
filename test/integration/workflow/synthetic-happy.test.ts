import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, tickUntilDone, type Harness } from './workflow-harness.ts';

describe('synthetic workflow against the stand-in', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('runs plan → branch → PR → checks → gate (auto-approved) → squash merge and records the lead time', async () => {
    const { engine } = await h.startEngine();
    const started = await engine.startSynthetic({
      installationId: h.installationId,
      ...h.repo,
      trigger: 'comment',
      requestedBy: 'alice',
      apply: true,
    });
    // The CI finishes in 100 ms, so on a busy machine the checks may be green at the first look.
    expect(['waiting_checks', 'merged']).toContain(started.state);
    const run = await tickUntilDone(engine, started.id);
    expect(run.state).toBe('merged');
    expect(run.lead_time_ms).toBeGreaterThan(0);
    const pull = h.sandbox.getPullRequest('acme/widgets', run.pr ?? 0);
    expect(pull.merged).toBe(true);
    expect(h.sandbox.readFile('acme/widgets', 'README.md')).toContain(`synthetic run ${run.id} at`);
    // The merged branch is deleted, so a run every 10 minutes leaves no pile of branches.
    expect(h.writes).toContain('DELETE /repos/{owner}/{repo}/git/refs/{ref}');
    expect(run.reason).toContain(`branch ${run.branch ?? '?'} deleted`);
    const done = run.history.filter((e) => e.status !== 'waiting');
    expect(done.map((e) => `${e.step}:${e.status}`)).toEqual([
      'plan:done',
      'branch:done',
      'pr:done',
      'checks:done',
      'gate:done',
      'merge:done',
      'record:ended',
    ]);
  });

  it('three requests at once (comment, label, cron) make one run, one branch and one PR', async () => {
    const { engine } = await h.startEngine();
    const request = {
      installationId: h.installationId,
      ...h.repo,
      requestedBy: 'alice',
      apply: true,
    };
    const runs = await Promise.all(
      (['comment', 'label', 'cron'] as const).map((trigger) =>
        engine.startSynthetic({ ...request, trigger }),
      ),
    );
    expect(new Set(runs.map((r) => r.id)).size).toBe(1);
    const run = await tickUntilDone(engine, runs[0]?.id ?? '');
    expect(run.state).toBe('merged');
    expect(h.writes.filter((w) => w.endsWith('/git/refs'))).toHaveLength(1);
    expect(h.writes.filter((w) => /POST .*\/pulls$/.test(w))).toHaveLength(1);
  });
});
