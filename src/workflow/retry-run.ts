import { isTerminal } from './step-machine.ts';
import type { RunState, WorkflowKind, WorkflowRun } from './workflow-types.ts';

/**
 * End states a retry may restart: the run stopped on something that can be fixed and tried
 * again (a check, a timeout, an expired approval, a merge conflict, an error).
 */
const RETRYABLE_STATES: readonly RunState[] = ['failed', 'conflict'];

/** Why the other end states are not restarted, and what to do instead. */
const REFUSALS: Readonly<Partial<Record<RunState, (run: WorkflowRun) => string>>> = {
  merged: (run) => `run \`${run.id}\` already merged #${run.pr ?? '?'}; there is nothing to retry`,
  planned: (run) =>
    `run \`${run.id}\` was a dry run (planned, nothing written); start an applied run with \`${startCommand(run.kind)} --apply\``,
  aborted: (run) =>
    `run \`${run.id}\` was aborted by a person (${run.reason ?? 'no reason'}); a retry would overrule that decision, so start a new run with \`${startCommand(run.kind)}\``,
  withdrawn: (run) =>
    `run \`${run.id}\` was withdrawn (${run.reason ?? 'no reason'}); start a new run with \`${startCommand(run.kind)}\``,
};

/** The comment that starts a run of `kind`. */
function startCommand(kind: WorkflowKind): string {
  return `/ko ${kind}`;
}

/** What `/ko retry` on a PR comes to, decided from the PR's runs. */
export type RetryDecision =
  | { type: 'none' }
  | { type: 'active'; run: WorkflowRun }
  | { type: 'refuse'; run: WorkflowRun; reason: string }
  | { type: 'restart'; run: WorkflowRun };

/**
 * The PR's newest run decides: none → nothing to retry; still going → it is not restarted (the
 * caller may nudge it); failed or conflict → restart it; any other end (merged, planned, aborted,
 * withdrawn) → refused with what to do instead. An older failed run behind a newer one is never
 * revived: the newer run is the PR's current story.
 *
 * @example decideRetry([failedRun]); // { type: 'restart', run: failedRun }
 */
export function decideRetry(runsOnPr: readonly WorkflowRun[]): RetryDecision {
  const newest = [...runsOnPr].sort((a, b) => b.started_at.localeCompare(a.started_at))[0];
  if (newest === undefined) return { type: 'none' };
  if (!isTerminal(newest)) return { type: 'active', run: newest };
  if (RETRYABLE_STATES.includes(newest.state)) return { type: 'restart', run: newest };
  const refusal = REFUSALS[newest.state];
  return {
    type: 'refuse',
    run: newest,
    reason: refusal ? refusal(newest) : `run \`${newest.id}\` ended ${newest.state}`,
  };
}

/**
 * The run restarted at the step it ended on, by `by`: running again, end fields cleared, a
 * `retried` history line. The checks timeout starts over; a run that ended at the gate asks for
 * a new approval (the old one expired or was never given). Pure: the engine stores the result.
 *
 * @example reviveRun(failedRun, 'bob', new Date()).state; // 'running'
 */
export function reviveRun(run: WorkflowRun, by: string, now: Date): WorkflowRun {
  const at = now.toISOString();
  const next: WorkflowRun = {
    ...run,
    state: 'running',
    updated_at: at,
    history: [
      ...run.history,
      {
        step: run.step,
        status: 'retried',
        at,
        detail: `retried by @${by} after it ended ${run.state}: ${run.reason ?? 'no reason'}`,
      },
    ],
  };
  for (const field of ['finished_at', 'reason', 'last_error', 'not_before', 'lead_time_ms']) {
    delete next[field];
  }
  if (run.step === 'checks') next.checks_since = at;
  if (run.step === 'gate') delete next.approval_id;
  return next;
}

/**
 * The key under which runs of one kind and target start (and join each other): one synthetic
 * run per repository, one merge per PR, one rollback per reverted PR.
 *
 * @example slotKey({ kind: 'merge', owner: 'acme', repo: 'app', pr: 12 }); // 'merge acme/app#12'
 */
export function slotKey(
  run: Pick<WorkflowRun, 'kind' | 'owner' | 'repo' | 'pr' | 'reverts_pr'>,
): string {
  const repo = `${run.owner}/${run.repo}`.toLowerCase();
  switch (run.kind) {
    case 'synthetic':
      return `synthetic ${repo}`;
    case 'merge':
      return `merge ${repo}#${run.pr ?? '-'}`;
    case 'rollback':
      return `rollback ${repo}#${run.reverts_pr ?? '-'}`;
  }
}

/** A `/ko retry` on a PR, as the commands layer hands it to the engine. */
export interface RetryRequest {
  owner: string;
  repo: string;
  pr: number;
  requestedBy: string;
  /**
   * Called under the start lock with the run about to be restarted; a string refuses the retry
   * with that reason (the commands layer checks permission and the dry-run label here).
   */
  mayRetry?: (run: WorkflowRun) => Promise<string | undefined>;
}

/** What a retry did: nothing to retry, an active run left running, a refusal, or a restart. */
export type RetryResult =
  | { outcome: 'none' }
  | { outcome: 'active'; run: WorkflowRun }
  | { outcome: 'refused'; run: WorkflowRun; reason: string }
  | {
      outcome: 'restarted';
      run: WorkflowRun;
      from: Pick<WorkflowRun, 'state' | 'step' | 'reason'>;
    };
