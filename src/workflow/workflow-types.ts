import type { KoRepoConfig } from '../config/repo-config/types.ts';

export type WorkflowKind = 'synthetic' | 'merge' | 'rollback';
export type WorkflowTrigger = 'comment' | 'label' | 'cron' | 'api';

/** The steps a run goes through, in order; which ones depends on its kind (step-machine.ts). */
export type StepName = 'plan' | 'branch' | 'pr' | 'revert' | 'checks' | 'gate' | 'merge' | 'record';

/** Where a run stands. `running` means a step is being executed (or was, when KO stopped). */
export type RunState =
  | 'running'
  | 'waiting_checks'
  | 'waiting_approval'
  | 'merged'
  | 'planned'
  | 'failed'
  | 'aborted'
  | 'conflict'
  | 'withdrawn';

export const TERMINAL_STATES: readonly RunState[] = [
  'merged',
  'planned',
  'failed',
  'aborted',
  'conflict',
  'withdrawn',
];

/** One GitHub call a dry run would make (and an applied run does make). */
export interface PlannedCall {
  step: StepName;
  call: string;
  detail: string;
}

/** One line of a run's history: a step finished, waited, ended the run, or a person retried it. */
export interface StepRecord {
  step: StepName;
  status: 'done' | 'waiting' | 'ended' | 'retrying' | 'retried';
  at: string;
  detail: string;
}

/**
 * One workflow run as stored in `experience.json` (`data.workflows[id]`). Every id a step created
 * on GitHub is written here before the run moves on, so a resumed run finds it instead of
 * creating it again.
 */
export interface WorkflowRun {
  [field: string]: unknown;
  id: string;
  kind: WorkflowKind;
  trace_id: string;
  owner: string;
  repo: string;
  installation_id: number;
  trigger: WorkflowTrigger;
  requested_by: string;
  apply: boolean;
  state: RunState;
  /** The next step to execute (or the one being waited on). */
  step: StepName;
  history: StepRecord[];
  /** The repo config read from the default branch when the run was planned. */
  config?: KoRepoConfig;
  plan?: PlannedCall[];
  base?: string;
  base_sha?: string;
  branch?: string;
  pr?: number;
  head_sha?: string;
  /** For rollback: the merged PR being reverted. */
  reverts_pr?: number;
  approval_id?: string;
  /** The ko/gate check run on head_sha, and what it last said (to skip identical updates). */
  gate?: { head_sha: string; id: number; said: string };
  merge_sha?: string;
  /** When the checks started being waited for on head_sha (for checks.timeout_minutes). */
  checks_since?: string;
  reason?: string;
  last_error?: string;
  /** Do not touch GitHub for this run before this time (a rate limit's reset). */
  not_before?: string;
  started_at: string;
  updated_at: string;
  finished_at?: string;
  lead_time_ms?: number;
}
