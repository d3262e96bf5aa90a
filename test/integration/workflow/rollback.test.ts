import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, tickUntilDone, tickUntilState, type Harness } from './workflow-harness.ts';

describe('rollback of a merged synthetic change', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('opens a revert PR (GraphQL revertPullRequest), drives it through the same gate, and merges it', async () => {
    h = await startHarness();
    const { engine, queue } = await h.startEngine();
    const synthetic = await engine.startSynthetic({
      installationId: h.installationId,
      ...h.repo,
      trigger: 'comment',
      requestedBy: 'alice',
      apply: true,
    });
    const merged = await tickUntilDone(engine, synthetic.id);
    expect(merged.state).toBe('merged');
    expect(h.sandbox.readFile('acme/widgets', 'README.md')).toContain('synthetic run');

    const request = {
      installationId: h.installationId,
      ...h.repo,
      pr: merged.pr ?? 0,
      requestedBy: 'alice',
      apply: true,
    };
    const started = await engine.rollback(request);
    // Asking again while it runs joins the same run: one revert PR.
    expect((await engine.rollback(request)).id).toBe(started.id);
    // Auto-approval is for synthetic runs only: a rollback waits for a person.
    const waiting = await tickUntilState(engine, started.id, 'waiting_approval');
    expect(waiting.reverts_pr).toBe(merged.pr);
    expect(waiting.branch).toMatch(new RegExp(`^revert-${merged.pr ?? 0}-`));
    await queue.proceed(waiting.approval_id ?? '', 'bob');
    await engine.onApprovalDecided({ approvalId: waiting.approval_id ?? '' });
    const run = await tickUntilDone(engine, started.id);
    expect(run.state).toBe('merged');
    expect(h.sandbox.readFile('acme/widgets', 'README.md')).toBe('# widgets\n');
    expect(h.writes.filter((w) => w.endsWith('/graphql'))).toHaveLength(1);
    expect(await engine.status({ ...h.repo, pr: merged.pr ?? 0 })).toContain('**rollback** run');
  });
});
