import { describe, expect, it } from 'vitest';
import {
  applyOutcome,
  isTerminal,
  STEPS,
  type StepOutcome,
} from '../../../src/workflow/step-machine.ts';
import type { WorkflowRun } from '../../../src/workflow/workflow-types.ts';

const NOW = new Date('2026-11-27T12:00:00.000Z');

function run(overrides: Partial<WorkflowRun> = {}): WorkflowRun {
  return {
    id: 'wf-1',
    kind: 'synthetic',
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    owner: 'acme',
    repo: 'app',
    installation_id: 1,
    trigger: 'cron',
    requested_by: 'ko[bot]',
    apply: true,
    state: 'running',
    step: 'plan',
    history: [],
    started_at: '2026-11-27T11:59:00.000Z',
    updated_at: '2026-11-27T11:59:00.000Z',
    ...overrides,
  };
}

describe('applyOutcome', () => {
  const cases: {
    name: string;
    from: Partial<WorkflowRun>;
    outcome: StepOutcome;
    expected: Partial<WorkflowRun>;
    lines: number;
  }[] = [
    {
      name: 'next moves to the following step',
      from: { step: 'plan' },
      outcome: { type: 'next', detail: 'ok' },
      expected: { step: 'branch', state: 'running' },
      lines: 1,
    },
    {
      name: 'merge runs skip branch and pr',
      from: { kind: 'merge', step: 'plan' },
      outcome: { type: 'next', detail: 'ok' },
      expected: { step: 'checks' },
      lines: 1,
    },
    {
      name: 'rollback runs revert after plan',
      from: { kind: 'rollback', step: 'plan' },
      outcome: { type: 'next', detail: 'ok' },
      expected: { step: 'revert' },
      lines: 1,
    },
    {
      name: 'wait keeps the step',
      from: { step: 'checks' },
      outcome: { type: 'wait', state: 'waiting_checks', detail: 'build' },
      expected: { step: 'checks', state: 'waiting_checks' },
      lines: 1,
    },
    {
      name: 'waiting again with the same detail adds no line',
      from: {
        step: 'checks',
        state: 'waiting_checks',
        history: [{ step: 'checks', status: 'waiting', at: 'x', detail: 'build' }],
      },
      outcome: { type: 'wait', state: 'waiting_checks', detail: 'build' },
      expected: { state: 'waiting_checks' },
      lines: 1,
    },
    {
      name: 'goto jumps back',
      from: { step: 'merge' },
      outcome: { type: 'goto', step: 'checks', detail: 'head moved' },
      expected: { step: 'checks', state: 'running' },
      lines: 1,
    },
    {
      name: 'end records reason and finish time',
      from: { step: 'checks' },
      outcome: { type: 'end', state: 'failed', detail: 'required check failed: build' },
      expected: {
        state: 'failed',
        reason: 'required check failed: build',
        finished_at: NOW.toISOString(),
      },
      lines: 1,
    },
    {
      name: 'a patch is applied and last_error cleared',
      from: { step: 'pr', last_error: 'GITHUB_UNAVAILABLE: x' },
      outcome: { type: 'next', detail: 'PR #3', patch: { pr: 3 } },
      expected: { pr: 3 },
      lines: 1,
    },
  ];
  it.each(cases)('$name', ({ from, outcome, expected, lines }) => {
    const next = applyOutcome(run(from), outcome, NOW);
    expect(next).toMatchObject(expected);
    expect(next.last_error).toBeUndefined();
    expect(next.history).toHaveLength(lines);
    expect(next.updated_at).toBe(NOW.toISOString());
  });

  const refusals: {
    name: string;
    from: Partial<WorkflowRun>;
    outcome: StepOutcome;
    code: string;
  }[] = [
    {
      name: 'an ended run',
      from: { state: 'merged', step: 'record' },
      outcome: { type: 'next', detail: 'x' },
      code: 'WORKFLOW_ALREADY_ENDED',
    },
    {
      name: 'next after the last step',
      from: { step: 'record' },
      outcome: { type: 'next', detail: 'x' },
      code: 'WORKFLOW_NO_NEXT_STEP',
    },
    {
      name: 'goto a step the kind lacks',
      from: { kind: 'merge', step: 'gate' },
      outcome: { type: 'goto', step: 'branch', detail: 'x' },
      code: 'WORKFLOW_BAD_STEP',
    },
    {
      name: 'end in a non-terminal state',
      from: { step: 'gate' },
      outcome: { type: 'end', state: 'running', detail: 'x' },
      code: 'WORKFLOW_BAD_END',
    },
  ];
  it.each(refusals)('refuses $name', ({ from, outcome, code }) => {
    expect(() => applyOutcome(run(from), outcome, NOW)).toThrow(expect.objectContaining({ code }));
  });

  it('every kind ends with merge then record', () => {
    for (const steps of Object.values(STEPS)) expect(steps.slice(-2)).toEqual(['merge', 'record']);
  });

  it.each([
    ['merged', true],
    ['planned', true],
    ['conflict', true],
    ['waiting_checks', false],
    ['running', false],
  ] as const)('isTerminal(%s) is %s', (state, expected) => {
    expect(isTerminal({ state })).toBe(expected);
  });
});
