import type { DispatchReply, DispatchRequest, DispatchServices } from './dispatch-types.ts';
import type { WorkflowOutcome } from './workflow-port.ts';

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
    case 'retry':
      result = await workflow.tick();
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
