import type { RetryResult } from '../../workflow/retry-run.ts';
import type { WorkflowRun } from '../../workflow/workflow-types.ts';
import { COMMANDS } from '../command-table.ts';
import { hasPermission, normalizePermission, type PermissionResponse } from '../permission.ts';
import type { DispatchReply, DispatchRequest, DispatchServices } from './dispatch-types.ts';
import type { WorkflowOutcome, WorkflowPort } from './workflow-port.ts';

const NOT_WIRED =
  'The synthetic merge workflow is not running in this KO process yet, so this command cannot act. `/ko status`, `/ko help` and `/ko exec` work.';

function summarize(result: unknown, fallback: string): string {
  if (typeof result === 'string' && result.trim() !== '') return result;
  const outcome = result as WorkflowOutcome | null | undefined;
  if (outcome && typeof outcome.summary === 'string') return outcome.summary;
  if (outcome && typeof outcome.state === 'string') return `${fallback} (state: ${outcome.state}).`;
  return fallback;
}

/**
 * Why `request.commenter` may not restart `run`, or undefined when they may. A retry needs what
 * starting the run needed (`/ko merge`, `/ko synthetic`, `/ko rollback` in the run's mode: admin
 * for apply), and an applied run is not continued while the PR carries the dry-run label.
 */
async function refusalFor(request: DispatchRequest, run: WorkflowRun): Promise<string | undefined> {
  const { octokit, owner, repo, pr, commenter } = request;
  const access = COMMANDS[run.kind].access;
  const required = run.apply && access.apply ? access.apply : access.base;
  const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
    owner,
    repo,
    username: commenter,
  });
  const actual = normalizePermission(data as PermissionResponse);
  if (!hasPermission(actual, required)) {
    const mode = run.apply ? 'apply' : 'dry-run';
    return `@${commenter} has ${actual} access, but retrying ${run.kind} run \`${run.id}\` (${mode}) needs ${required}, as \`/ko ${run.kind}\` in ${mode} mode does`;
  }
  if (run.apply) {
    const { data: labels } = await octokit.rest.issues.listLabelsOnIssue({
      owner,
      repo,
      issue_number: pr,
      per_page: 100,
    });
    const label = request.config.labels.dry_run;
    if (labels.some((l) => l.name === label)) {
      return `run \`${run.id}\` is in apply mode, but the PR has the ${label} label, which forces dry-run; remove the label to retry it`;
    }
  }
  return undefined;
}

function describe(run: WorkflowRun): string {
  const where = `${run.state.replace('_', ' ')} at step \`${run.step}\``;
  return `${where}${run.reason ? ` — ${run.reason}` : ''}. Trace: \`${run.trace_id}\``;
}

function replyFor(result: RetryResult): DispatchReply {
  switch (result.outcome) {
    case 'none':
      return {
        ok: false,
        body: 'Nothing to retry: no failed run on this PR. `/ko status` shows its runs; `/ko merge` starts one.',
      };
    case 'active':
      return {
        ok: false,
        body: `Nothing to retry: ${result.run.kind} run \`${result.run.id}\` is still going (${describe(result.run)}). KO re-read GitHub for it just now; \`/ko status\` shows where it is.`,
      };
    case 'refused':
      return { ok: false, body: `Not retried: ${result.reason}.` };
    case 'restarted': {
      const { run, from } = result;
      return {
        ok: true,
        body: `Retried ${run.kind} run \`${run.id}\` (${run.apply ? 'apply' : 'dry-run'}) from step \`${from.step}\`, where it had ended ${from.state}: ${from.reason ?? 'no reason'}.\n\nNow: ${describe(run)}`,
      };
    }
  }
}

/**
 * `/ko retry`: restarts the PR's newest run that ended failed or conflict, from the step it ended
 * on (see docs/workflow.md, "Retry"); the engine records it in the run's history and audit trail.
 *
 * @example const reply = await runRetry(workflow, request);
 */
async function runRetry(
  workflow: WorkflowPort,
  request: DispatchRequest,
): Promise<{ reply: DispatchReply; outcome: string }> {
  const result = await workflow.retry({
    owner: request.owner,
    repo: request.repo,
    pr: request.pr,
    requestedBy: request.commenter,
    mayRetry: (run) => refusalFor(request, run),
  });
  const run = result.outcome === 'none' ? undefined : result.run;
  return {
    reply: replyFor(result),
    outcome: `${result.outcome}${run ? ` ${run.id} (trace ${run.trace_id})` : ''}`,
  };
}

/**
 * `/ko merge`, `/ko rollback`, `/ko synthetic` and `/ko retry`: one call on the workflow engine,
 * in the resolved mode, audited.
 *
 * @example await runWorkflowCommand(services, request, 'merge');
 */
export async function runWorkflowCommand(
  services: DispatchServices,
  request: DispatchRequest,
  name: 'merge' | 'rollback' | 'synthetic' | 'retry',
): Promise<DispatchReply> {
  const workflow = services.workflow;
  if (!workflow) return { ok: false, body: NOT_WIRED };
  const apply = request.mode === 'apply';
  const target = {
    installationId: request.installationId,
    owner: request.owner,
    repo: request.repo,
    pr: request.pr,
    requestedBy: request.commenter,
    apply,
  };
  if (name === 'retry') {
    const { reply, outcome } = await runRetry(workflow, request);
    await request.audit({
      actor: request.commenter,
      action: 'workflow.retry',
      target: `${request.owner}/${request.repo}#${request.pr}`,
      outcome,
    });
    return reply;
  }
  let result: unknown;
  switch (name) {
    case 'merge':
      result = await workflow.requestMerge({ ...target, trigger: 'comment' });
      break;
    case 'rollback':
      result = await workflow.rollback(target);
      break;
    case 'synthetic':
      result = await workflow.startSynthetic({
        installationId: request.installationId,
        owner: request.owner,
        repo: request.repo,
        trigger: 'comment',
        requestedBy: request.commenter,
        apply,
        traceId: request.traceId,
      });
      break;
  }
  await request.audit({
    actor: request.commenter,
    action: `workflow.${name}`,
    target: `${request.owner}/${request.repo}#${request.pr}`,
    outcome: request.mode,
  });
  return {
    ok: true,
    body: `${summarize(result, `\`/ko ${name}\` accepted`)}\n\nMode: ${request.modeReason}.`,
  };
}
