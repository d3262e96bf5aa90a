import type { Logger } from 'pino';
import type { ProbotOctokit } from 'probot';
import type { ApprovalQueue } from '../approvals/approval-queue.ts';
import type { ApprovalItem, AuditEvent } from '../approvals/approval-types.ts';
import type { WorkflowRun } from './workflow-types.ts';

/** Probot's Octokit for one installation. */
export type Octokit = InstanceType<typeof ProbotOctokit>;

/** What a step may use. Steps read `run` and return an outcome; only the engine stores runs. */
export interface StepContext {
  run: WorkflowRun;
  octokit: Octokit;
  /** One GitHub call with retries and rate-limit waits (github-call.ts). */
  gh: <T>(label: string, call: () => Promise<T>) => Promise<T>;
  /** Carries the run's trace_id and id. */
  logger: Logger;
  now: () => Date;
  approvals: ApprovalQueue;
  approvalItem: (id: string) => Promise<ApprovalItem | undefined>;
  /** KO's own GitHub App id (its check suites are not waited for), when known. */
  ownAppId: () => Promise<number | undefined>;
  /** Writes the queue's audit events to the audit log under the run's trace. */
  auditApproval: (events: readonly AuditEvent[]) => Promise<void>;
}

/** `owner/repo`, as the approval queue names repositories. */
export function fullName(run: Pick<WorkflowRun, 'owner' | 'repo'>): string {
  return `${run.owner}/${run.repo}`;
}
