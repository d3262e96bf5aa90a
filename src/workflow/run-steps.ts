import type { StepOutcome } from './step-machine.ts';
import type { StepContext } from './step-context.ts';
import { branchStep } from './steps/branch-step.ts';
import { checksStep } from './steps/checks-step.ts';
import { gateStep } from './steps/gate-step.ts';
import { mergeStep } from './steps/merge-step.ts';
import { planStep } from './steps/plan-step.ts';
import { prStep } from './steps/pr-step.ts';
import { recordStep } from './steps/record-step.ts';
import { revertStep } from './steps/revert-step.ts';
import type { StepName } from './workflow-types.ts';

/** Each step's implementation. Every one is safe to run again after a crash (see docs/workflow.md). */
export const STEP_IMPLEMENTATIONS: Readonly<
  Record<StepName, (ctx: StepContext) => Promise<StepOutcome>>
> = {
  plan: planStep,
  branch: branchStep,
  pr: prStep,
  revert: revertStep,
  checks: checksStep,
  gate: gateStep,
  merge: mergeStep,
  record: recordStep,
};
