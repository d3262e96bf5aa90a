import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRepoConfig } from '../../src/config/repo-config/load-repo-config.ts';
import type { WorkflowRun } from '../../src/workflow/workflow-types.ts';
import {
  koYml,
  startHarness,
  type EngineProcess,
  type Harness,
} from '../integration/workflow/workflow-harness.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

// Done-when of issue 5: the synthetic workflow, started by its scheduler and driven only by the
// engine's own reconciliation, reaches a merged PR twice in a row with nobody touching it.
describe('synthetic workflow, unattended, twice in a row', () => {
  let h: Harness;
  let ko: EngineProcess;

  // Every second (croner's six-field form, which ko.yml does not allow) instead of every ten
  // minutes, to keep the test short; the scheduler's re-read before each fire sees the same.
  const valid = loadRepoConfig(koYml({ synthetic: { enabled: true } }));
  const config = { ...valid, synthetic: { ...valid.synthetic, cron: '* * * * * *' } };

  beforeAll(async () => {
    h = await startHarness();
    ko = await h.startEngine({ readScheduledConfig: async () => ({ ok: true, config }) });
  });
  afterAll(async () => {
    await h.close();
  });

  it('the scheduler starts runs, the reconcile timer drives them, and two merge in turn', async () => {
    ko.engine.startScheduler([{ installationId: h.installationId, ...h.repo, config }]);
    const merged = async (): Promise<WorkflowRun[]> =>
      (await ko.store.read(), Object.values(ko.store.data.workflows) as WorkflowRun[])
        .filter((r) => r.state === 'merged')
        .sort((a, b) => a.started_at.localeCompare(b.started_at));
    const deadline = Date.now() + 40_000;
    while ((await merged()).length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await ko.engine.stopScheduler();

    const all = Object.values((await ko.store.read()).workflows) as WorkflowRun[];
    expect(
      all.filter(
        (r) => !['merged', 'running', 'waiting_checks', 'waiting_approval'].includes(r.state),
      ),
    ).toEqual([]);
    const [first, second] = await merged();
    expect(first?.trigger).toBe('cron');
    expect(second?.trigger).toBe('cron');
    // In turn: the second started after the first merged (one synthetic run per repo at a time).
    expect((second?.started_at ?? '') >= (first?.finished_at ?? 'z')).toBe(true);
    for (const run of [first, second]) {
      const pull = h.sandbox.getPullRequest('acme/widgets', run?.pr ?? 0);
      expect(pull.merged).toBe(true);
      expect(run?.lead_time_ms).toBeGreaterThan(0);
    }
    expect(h.sandbox.readFile('acme/widgets', 'README.md')).toMatch(
      /^# widgets\nsynthetic run wf-\S+ at \S+\n$/,
    );
    // Each run made exactly one PR and one merge.
    const creates = h.writes.filter((w) => /^POST .*\/pulls$/.test(w));
    const merges = h.writes.filter((w) => /^PUT .*\/merge$/.test(w));
    const started = all.filter((r) => r.pr !== undefined).length;
    expect(creates).toHaveLength(started);
    expect(merges).toHaveLength((await merged()).length);
    // The run history holds both with their lead times.
    const history = (await ko.store.read()).runs.filter((r) => r.outcome === 'merged');
    expect(history.map((r) => r.id)).toEqual(expect.arrayContaining([first?.id, second?.id]));

    // One timeline: `ko trace` tells the first run's story, audit records and log lines, in order.
    await ko.audit.close();
    const trace = await execa(
      'node',
      ['bin/ko.js', 'trace', first?.trace_id ?? '', '--data-dir', h.dataDir],
      {
        cwd: root,
        reject: false,
      },
    );
    expect(trace.exitCode).toBe(0);
    const lines = trace.stdout.split('\n');
    const steps = lines
      .filter((l) => l.includes(' audit #') && l.includes(' workflow.'))
      .map((l) => /workflow\.(\S+)/.exec(l)?.[1])
      .filter((step, i, list) => step !== list[i - 1]);
    expect(steps).toEqual([
      'synthetic.start',
      'plan',
      'branch',
      'pr',
      'checks',
      'gate',
      'merge',
      'record',
    ]);
    expect(lines.some((l) => l.includes(' log info ko-app: record ended merged'))).toBe(true);
    expect(lines.some((l) => l.includes('approval.request'))).toBe(true);
    const times = lines.map((l) => l.slice(0, 24));
    expect([...times].sort()).toEqual(times);
  }, 60_000);
});
