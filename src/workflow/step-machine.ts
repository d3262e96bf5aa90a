import { LogicError } from '../../contracts/errors.ts';
import {
  TERMINAL_STATES,
  type RunState,
  type StepName,
  type WorkflowKind,
  type WorkflowRun,
} from './workflow-types.ts';

/** The steps of each kind of run, in order. */
export const STEPS: Readonly<Record<WorkflowKind, readonly StepName[]>> = {
  synthetic: ['plan', 'branch', 'pr', 'checks', 'gate', 'merge', 'record'],
  merge: ['plan', 'checks', 'gate', 'merge', 'record'],
  rollback: ['plan', 'revert', 'checks', 'gate', 'merge', 'record'],
};

type Patch = Partial<WorkflowRun>;

/** What executing one step came to. */
export type StepOutcome =
  | { type: 'next'; detail: string; patch?: Patch }
  | { type: 'wait'; state: 'waiting_checks' | 'waiting_approval'; detail: string; patch?: Patch }
  | { type: 'goto'; step: StepName; detail: string; patch?: Patch }
  | { type: 'end'; state: RunState; detail: string; patch?: Patch };

/**
 * True when the run has nothing left to do.
 *
 * @example isTerminal({ ...run, state: 'merged' }); // true
 */
export function isTerminal(run: Pick<WorkflowRun, 'state'>): boolean {
  return TERMINAL_STATES.includes(run.state);
}

function following(kind: WorkflowKind, step: StepName): StepName {
  const steps = STEPS[kind];
  const next = steps[steps.indexOf(step) + 1];
  if (next === undefined) {
    throw new LogicError('WORKFLOW_NO_NEXT_STEP', `${kind} runs have no step after ${step}`, {
      hint: 'the last step must end the run',
    });
  }
  return next;
}

/**
 * The run after a step's outcome: the next step (or the same one while waiting), its state and a
 * history line. Waiting again with the same detail adds no history line, so ticks do not bloat
 * the record. Pure: the engine stores the result.
 *
 * @example applyOutcome(run, { type: 'next', detail: 'branch ko/synthetic-x created' }, new Date()).step; // 'pr'
 */
export function applyOutcome(run: WorkflowRun, outcome: StepOutcome, now: Date): WorkflowRun {
  if (isTerminal(run)) {
    throw new LogicError('WORKFLOW_ALREADY_ENDED', `run ${run.id} already ended as ${run.state}`, {
      hint: 'start a new run',
    });
  }
  if (!STEPS[run.kind].includes(run.step)) {
    throw new LogicError('WORKFLOW_BAD_STEP', `${run.kind} runs have no step ${run.step}`);
  }
  const at = now.toISOString();
  const next: WorkflowRun = { ...run, ...outcome.patch, updated_at: at };
  delete next.last_error;
  const line = (status: 'done' | 'waiting' | 'ended'): void => {
    next.history = [...run.history, { step: run.step, status, at, detail: outcome.detail }];
  };
  switch (outcome.type) {
    case 'next':
      next.step = following(run.kind, run.step);
      next.state = 'running';
      line('done');
      break;
    case 'goto':
      if (!STEPS[run.kind].includes(outcome.step)) {
        throw new LogicError('WORKFLOW_BAD_STEP', `${run.kind} runs have no step ${outcome.step}`);
      }
      next.step = outcome.step;
      next.state = 'running';
      line('done');
      break;
    case 'wait': {
      next.state = outcome.state;
      const last = run.history.at(-1);
      const same =
        run.state === outcome.state && last?.step === run.step && last.detail === outcome.detail;
      if (!same) line('waiting');
      break;
    }
    case 'end':
      if (!TERMINAL_STATES.includes(outcome.state)) {
        throw new LogicError('WORKFLOW_BAD_END', `${outcome.state} does not end a run`);
      }
      next.state = outcome.state;
      next.reason = outcome.detail;
      next.finished_at = at;
      line('ended');
      break;
  }
  return next;
}
