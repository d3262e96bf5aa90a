import { describe, expect, it } from 'vitest';
import { decideRetry, reviveRun, slotKey } from '../../../src/workflow/retry-run.ts';
import type { RunState, WorkflowRun } from '../../../src/workflow/workflow-types.ts';

const NOW = new Date('2026-11-27T12:00:00.000Z');

function run(overrides: Partial<WorkflowRun> = {}): WorkflowRun {
  return {
    id: 'wf-1',
    kind: 'merge',
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    owner: 'acme',
    repo: 'app',
    installation_id: 1,
    trigger: 'comment',
    requested_by: 'alice',
    apply: true,
    pr: 12,
    state: 'failed',
    step: 'checks',
    reason: 'required check failed: build',
    history: [],
    started_at: '2026-11-27T11:00:00.000Z',
    updated_at: '2026-11-27T11:05:00.000Z',
    finished_at: '2026-11-27T11:05:00.000Z',
    ...overrides,
  };
}

describe('decideRetry', () => {
  const cases: { name: string; runs: WorkflowRun[]; expected: string; includes?: string }[] = [
    { name: 'no runs', runs: [], expected: 'none' },
    { name: 'failed', runs: [run()], expected: 'restart' },
    { name: 'conflict', runs: [run({ state: 'conflict', step: 'merge' })], expected: 'restart' },
    ...(['running', 'waiting_checks', 'waiting_approval'] as RunState[]).map((state) => ({
      name: state,
      runs: [run({ state })],
      expected: 'active',
    })),
    {
      name: 'merged',
      runs: [run({ state: 'merged' })],
      expected: 'refuse',
      includes: 'already merged #12',
    },
    {
      name: 'planned (dry run)',
      runs: [run({ state: 'planned' })],
      expected: 'refuse',
      includes: '`/ko merge --apply`',
    },
    {
      name: 'aborted by a person',
      runs: [run({ state: 'aborted', reason: 'approval x aborted by bob' })],
      expected: 'refuse',
      includes: 'a retry would overrule that decision, so start a new run with `/ko merge`',
    },
    {
      name: 'withdrawn',
      runs: [run({ state: 'withdrawn', kind: 'synthetic' })],
      expected: 'refuse',
      includes: '`/ko synthetic`',
    },
    {
      name: 'a newer merged run hides an older failed one',
      runs: [
        run({ id: 'old' }),
        run({ id: 'new', state: 'merged', started_at: '2026-11-27T11:30:00.000Z' }),
      ],
      expected: 'refuse',
    },
    {
      name: 'the newest failed run is picked over an older failed one',
      runs: [run({ id: 'old' }), run({ id: 'new', started_at: '2026-11-27T11:30:00.000Z' })],
      expected: 'restart',
      includes: 'new',
    },
  ];
  it.each(cases)('$name → $expected', ({ runs, expected, includes }) => {
    const decision = decideRetry(runs);
    expect(decision.type).toBe(expected);
    if (includes === undefined) return;
    const text =
      decision.type === 'refuse' ? decision.reason : 'run' in decision ? decision.run.id : '';
    expect(text).toContain(includes);
  });
});

describe('reviveRun', () => {
  it('runs again at the step it ended on, end fields cleared, a retried history line, checks timeout restarted', () => {
    const revived = reviveRun(
      run({
        last_error: 'x',
        not_before: 'y',
        lead_time_ms: 5,
        checks_since: '2026-11-27T11:00:00.000Z',
      }),
      'bob',
      NOW,
    );
    expect(revived).toMatchObject({
      state: 'running',
      step: 'checks',
      checks_since: NOW.toISOString(),
    });
    for (const field of ['finished_at', 'reason', 'last_error', 'not_before', 'lead_time_ms']) {
      expect(revived).not.toHaveProperty(field);
    }
    expect(revived.history).toEqual([
      {
        step: 'checks',
        status: 'retried',
        at: NOW.toISOString(),
        detail: 'retried by @bob after it ended failed: required check failed: build',
      },
    ]);
  });

  it('at the gate, drops the old approval so a new one is asked for; at merge, keeps it', () => {
    expect(reviveRun(run({ step: 'gate', approval_id: 'a1' }), 'bob', NOW)).not.toHaveProperty(
      'approval_id',
    );
    expect(
      reviveRun(run({ step: 'merge', approval_id: 'a1', state: 'conflict' }), 'bob', NOW)
        .approval_id,
    ).toBe('a1');
  });
});

describe('slotKey', () => {
  it.each([
    {
      input: { kind: 'synthetic' as const, owner: 'Acme', repo: 'App', pr: 3 },
      expected: 'synthetic acme/app',
    },
    {
      input: { kind: 'merge' as const, owner: 'acme', repo: 'app', pr: 3 },
      expected: 'merge acme/app#3',
    },
    {
      input: { kind: 'rollback' as const, owner: 'acme', repo: 'app', pr: 9, reverts_pr: 3 },
      expected: 'rollback acme/app#3',
    },
  ])('$expected', ({ input, expected }) => {
    expect(slotKey(input)).toBe(expected);
  });
});
