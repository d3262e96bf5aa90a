import { parseGateAction } from '../approvals/gate-check-run.ts';
import { authorize } from '../commands/authorize.ts';
import { decideApproval } from '../commands/dispatch/approval-commands.ts';
import type { PermissionResponse } from '../commands/permission.ts';
import { auditSink, type HandlerServices, type DeliveryContext } from './handler-services.ts';
import { readArray, readNumber, readRepo, readString } from './read-payload.ts';

/**
 * check_suite / check_run `completed`: the workflow re-reads the checks of that head.
 *
 * @example app.on(['check_suite.completed', 'check_run.completed'], (c) => onChecksCompleted(services, c));
 */
export async function onChecksCompleted(
  services: HandlerServices,
  context: DeliveryContext,
): Promise<void> {
  const payload: unknown = context.payload;
  if (readString(payload, 'action') !== 'completed') return;
  const where = readRepo(payload);
  const headSha =
    readString(payload, 'check_suite.head_sha') ?? readString(payload, 'check_run.head_sha');
  if (!where || headSha === undefined || !services.workflow) return;
  await services.workflow.onChecksChanged({ owner: where.owner, repo: where.repo, headSha });
}

/**
 * check_run.requested_action: a Proceed or Abort button on KO's ko/gate check run goes to the
 * approval queue (permission from the API, four eyes), then to the workflow.
 *
 * @example app.on('check_run.requested_action', (c) => onGateButton(services, c));
 */
export async function onGateButton(
  services: HandlerServices,
  context: DeliveryContext,
): Promise<void> {
  const payload: unknown = context.payload;
  const parsed = parseGateAction(readString(payload, 'requested_action.identifier') ?? '');
  const where = readRepo(payload);
  const actor = readString(payload, 'sender.login');
  if (!parsed || !where || actor === undefined) return;
  const { owner, repo } = where;
  const pr = readNumber(readArray(payload, 'check_run.pull_requests')[0], 'number');
  const item = (await services.approvals.listPending({ repo: `${owner}/${repo}` })).find(
    (i) => i.id === parsed.id,
  );
  const prNumber = pr ?? item?.pr;
  if (prNumber === undefined) return;
  const octokit = context.octokit;
  const audit = auditSink(services, context.id);
  const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
    owner,
    repo,
    username: actor,
  });
  const command =
    parsed.action === 'proceed' ? { name: 'approve' as const } : { name: 'abort' as const };
  const decision = authorize({
    command,
    commenter: { login: actor, type: readString(payload, 'sender.type') ?? null },
    permission: data as PermissionResponse,
    mode: 'dry-run',
  });
  let body: string;
  if (decision.decision !== 'allow') {
    await audit({
      actor,
      action: `approval.${parsed.action}`,
      target: `${owner}/${repo}#${prNumber} approval ${parsed.id}`,
      outcome: `refused: ${decision.reason}`,
    });
    if (decision.decision === 'ignore') return;
    body = `@${actor} pressed ${parsed.action === 'proceed' ? 'Proceed' : 'Abort'} on \`${parsed.id}\`, refused: ${decision.reason}.`;
  } else {
    const reply = await decideApproval(services, {
      repo: `${owner}/${repo}`,
      pr: prNumber,
      actor,
      action: parsed.action,
      id: parsed.id,
      audit,
    });
    body = reply.body;
  }
  services.logger.info(
    { delivery: context.id, approval: parsed.id, action: parsed.action, actor },
    'gate button',
  );
  await octokit.rest.issues.createComment({ owner, repo, issue_number: prNumber, body });
}
