import type { Logger } from 'pino';
import type { ProbotOctokit } from 'probot';
import type { ApprovalQueue } from '../../approvals/approval-queue.ts';
import type { KoRepoConfig } from '../../config/repo-config/types.ts';
import type { Hub } from '../../hub/hub.ts';
import type { AuditInput } from '../../store/audit/audit-record.ts';
import type { WorkflowPort } from './workflow-port.ts';

/** An installation's Octokit (Probot's, with the retry and throttling plugins). */
export type KoOctokit = InstanceType<typeof ProbotOctokit>;

/**
 * Writes one audit record; corr_id and trace_id are filled in by the caller's context, unless
 * `trace_id` is given (an approval's decision belongs to the trace that asked for it).
 */
export type AuditSink = (
  input: Omit<AuditInput, 'trace_id' | 'corr_id'> & { trace_id?: string | undefined },
) => Promise<void>;

/** The long-lived parts dispatch uses, the same for every comment. */
export interface DispatchServices {
  approvals: ApprovalQueue;
  /** Undefined until src/workflow is wired: workflow commands then say so. */
  workflow: WorkflowPort | undefined;
  /** Undefined where no runner hub runs in this process: exec and cancel then say so. */
  hub: Hub | undefined;
  logger: Logger;
  /** Runs work after the reply (waiting for a job's output) and lets stop() wait for it. */
  background: (name: string, work: () => Promise<void>) => void;
  /** How long to wait for an exec job before the reply says how to fetch its output. Default 5 min. */
  execWaitMs?: number;
  /** Public URL of the app (for links to job output); optional. */
  publicUrl?: string;
}

/** One `/ko` comment, with everything already checked at the boundary. */
export interface DispatchRequest {
  octokit: KoOctokit;
  installationId: number;
  owner: string;
  repo: string;
  pr: number;
  commentId: number;
  commenter: string;
  config: KoRepoConfig;
  /** The resolved mode (label, option, config) and why. */
  mode: 'dry-run' | 'apply';
  modeReason: string;
  traceId: string;
  audit: AuditSink;
}

/** What dispatch answers: the reply body (Markdown) and whether the command succeeded. */
export interface DispatchReply {
  body: string;
  ok: boolean;
}
