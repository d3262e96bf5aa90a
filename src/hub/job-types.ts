import type { ExecApproval, ExecResultBody } from '../../contracts/ko-v1/generated/ko-v1.ts';

/**
 * A second person's approval of this exact command: `binding_sha256` is the guard's
 * `approval_binding_sha256`. The runner recomputes it and runs only on an exact match.
 */
export type JobApproval = ExecApproval;

/** What a caller submits (the exec API body). */
export interface JobSpec {
  /** The PowerShell script to run. */
  script: string;
  /** Relative to the runner's --root (or absolute inside it); the runner refuses paths outside. */
  working_dir?: string;
  /** Apply (really run). The runner only runs when its own --apply is also set. Default false. */
  apply?: boolean;
  /** Safe to run twice: only such jobs are re-queued after their runner is lost. */
  idempotent?: boolean;
  /** 0-9, higher first. Default 5 (as the ko-v1 envelope). */
  priority?: number;
  capabilities?: string[];
  labels?: string[];
  timeout_ms?: number;
  idempotency_key?: string;
  /** Set when the guard wants approval and a second person gave it; passed to the runner. */
  approval?: JobApproval;
}

export type JobState =
  'queued' | 'dispatched' | 'running' | 'completed' | 'rejected' | 'lost' | 'cancelled';

/** Terminal states: nothing moves a job out of these. */
export const TERMINAL_STATES: ReadonlySet<JobState> = new Set([
  'completed',
  'rejected',
  'lost',
  'cancelled',
]);

/** The result as the hub applied it (once): the runner's exec.result body. */
export type JobResult = ExecResultBody;

export interface Job {
  id: string;
  spec: Required<Pick<JobSpec, 'script' | 'apply' | 'idempotent' | 'priority'>> &
    Pick<JobSpec, 'working_dir' | 'timeout_ms' | 'idempotency_key' | 'approval'> & {
      capabilities: string[];
      labels: string[];
    };
  state: JobState;
  /** Monotonic submission order (age), survives restarts. */
  seq: number;
  created_at: string;
  updated_at: string;
  runner_id: string | null;
  /** How many times it was handed to a runner. */
  attempts: number;
  /** While dispatched/running without a connected runner: when the job is declared lost. */
  lease_expires_at: string | null;
  cancel_requested: boolean;
  result: JobResult | null;
  /** Why it ended without a result (rejected, lost, cancelled). */
  reason: { code: string; message: string } | null;
}

/** What a runner offers, for matching. */
export interface RunnerProfile {
  runner_id: string;
  capabilities: string[];
  labels: string[];
}

/** A job goes to a runner only if the runner has every capability and label the job asks for. */
export function runnerSatisfies(
  job: { spec: Pick<Job['spec'], 'capabilities' | 'labels'> },
  runner: RunnerProfile,
): boolean {
  return (
    job.spec.capabilities.every((c) => runner.capabilities.includes(c)) &&
    job.spec.labels.every((l) => runner.labels.includes(l))
  );
}

/** Priority first (higher wins), then age (older wins). */
export function compareJobs(a: Job, b: Job): number {
  return b.spec.priority - a.spec.priority || a.seq - b.seq;
}
