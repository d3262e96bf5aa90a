import type { ProbotOctokit } from 'probot';
import type { WorkflowEngine } from '../../workflow/workflow-engine.ts';

/**
 * The workflow engine as the handlers and /ko dispatch use it: src/workflow's
 * `createWorkflowEngine`. Named here so dispatch and tests can hand in any implementation.
 */
export type WorkflowPort = WorkflowEngine;

/** What a workflow call may answer; dispatch reads only these fields for its reply. */
export interface WorkflowOutcome {
  summary?: string;
  state?: string;
  trace_id?: string;
  [field: string]: unknown;
}

/** How the engine gets an installation's Octokit (Probot's `app.auth(id)`). */
export type OctokitFor = (installationId: number) => Promise<InstanceType<typeof ProbotOctokit>>;
