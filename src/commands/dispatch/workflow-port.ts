import type { ProbotOctokit } from 'probot';

/** Who and where, for every call that may write to GitHub. */
interface PrTarget {
  installationId: number;
  owner: string;
  repo: string;
  pr: number;
  requestedBy: string;
  /** True only when the resolved mode is apply; dry-run plans and writes nothing. */
  apply: boolean;
}

/** What a workflow call answers: one Markdown paragraph for the reply, and where it stands. */
export interface WorkflowOutcome {
  summary?: string;
  state?: string;
  trace_id?: string;
  [field: string]: unknown;
}

/**
 * The workflow engine as the handlers and /ko dispatch use it (src/workflow implements it with
 * `createWorkflowEngine`). Declared here so dispatch does not depend on the engine's internals.
 */
export interface WorkflowPort {
  startSynthetic(input: {
    installationId: number;
    owner: string;
    repo: string;
    trigger: string;
    requestedBy: string;
    apply: boolean;
    traceId?: string;
  }): Promise<unknown>;
  requestMerge(input: PrTarget): Promise<unknown>;
  withdrawMerge(input: { owner: string; repo: string; pr: number; by: string }): Promise<unknown>;
  rollback(input: PrTarget): Promise<unknown>;
  onChecksChanged(input: { owner: string; repo: string; headSha: string }): Promise<unknown>;
  onPullRequestSynchronize(input: {
    owner: string;
    repo: string;
    pr: number;
    headSha: string;
  }): Promise<unknown>;
  onApprovalDecided(input: { approvalId: string }): Promise<unknown>;
  /** Markdown: what KO knows about this PR's workflow. */
  status(input: { owner: string; repo: string; pr: number }): Promise<string>;
  tick(): Promise<unknown>;
  resumeAll(): Promise<unknown>;
  startScheduler(): void;
  stopScheduler(): void;
}

/** How the engine gets an installation's Octokit (Probot's `app.auth(id)`). */
export type OctokitFor = (installationId: number) => Promise<InstanceType<typeof ProbotOctokit>>;
