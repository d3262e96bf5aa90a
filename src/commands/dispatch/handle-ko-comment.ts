import { formatRepoConfigIssues } from '../../config/repo-config/format-config-issues.ts';
import { loadRepoConfig } from '../../config/repo-config/load-repo-config.ts';
import { authorize, type Commenter } from '../authorize.ts';
import { formatCommandError, ignoredLinesNote } from '../format-parse-reply.ts';
import { renderHelp } from '../help-text.ts';
import { parseCommand, type KoCommand } from '../parse-command.ts';
import type { PermissionResponse } from '../permission.ts';
import { resolveMode } from '../resolve-mode.ts';
import { DEFAULT_MAX_PARTS } from '../split-comment.ts';
import { decideApproval } from './approval-commands.ts';
import type {
  AuditSink,
  DispatchReply,
  DispatchRequest,
  DispatchServices,
  KoOctokit,
} from './dispatch-types.ts';
import { runExec } from './exec-command.ts';
import { cancelJob } from './cancel-command.ts';
import { prescreenExec } from './prescreen-exec.ts';
import { readRepoConfig } from './read-repo-config.ts';
import { runPlan, runStatus } from './status-command.ts';
import { runWorkflowCommand } from './workflow-commands.ts';

/** A newly created comment on a pull request, as the handler read it from the payload. */
export interface KoComment {
  octokit: KoOctokit;
  installationId: number;
  owner: string;
  repo: string;
  pr: number;
  commentId: number;
  body: string;
  commenter: Commenter;
  /** Label names on the PR now. */
  labels: readonly string[];
  traceId: string;
  audit: AuditSink;
}

/**
 * `null`: the comment is not for KO (or from an ignored bot): no reaction, no reply. `maxParts`:
 * the most comments the reply may be split into (the repo config's `comments.max_parts`).
 */
export type KoCommentOutcome = (DispatchReply & { command: string; maxParts: number }) | null;

/** Commands that still answer when the repo config is broken (they change nothing). */
const WITHOUT_CONFIG = new Set(['help', 'status']);

async function permissionOf(comment: KoComment): Promise<PermissionResponse> {
  const { data } = await comment.octokit.rest.repos.getCollaboratorPermissionLevel({
    owner: comment.owner,
    repo: comment.repo,
    username: comment.commenter.login,
  });
  return data as PermissionResponse;
}

/**
 * One `/ko` comment from parse to reply: strict parse, repo config from the default branch, mode,
 * the guard's pre-check for exec, the commenter's permission from the API, then the command.
 *
 * @example const outcome = await handleKoComment(services, comment); if (outcome) reply(outcome.body);
 */
export async function handleKoComment(
  services: DispatchServices,
  comment: KoComment,
): Promise<KoCommentOutcome> {
  const parsed = parseCommand(comment.body);
  if (parsed === null) return null;
  const note = ignoredLinesNote(parsed);
  const withNote = (body: string): string => (note === undefined ? body : `${body}\n\n${note}`);
  if (!parsed.ok) {
    // Bots that may not command KO get no reply either, so two bots never talk in a loop.
    const who = authorize({
      command: { name: 'help' },
      commenter: comment.commenter,
      permission: { permission: 'none' },
      mode: 'dry-run',
    });
    if (who.decision === 'ignore') return null;
    return {
      ok: false,
      command: parsed.text,
      body: withNote(formatCommandError(parsed.error)),
      maxParts: DEFAULT_MAX_PARTS,
    };
  }
  const command = parsed.command;
  const read = await readRepoConfig(comment.octokit, comment.owner, comment.repo);
  let configProblem: string | undefined;
  if (!read.ok) configProblem = formatRepoConfigIssues(read.issues, { ref: read.ref });
  if (configProblem !== undefined && !WITHOUT_CONFIG.has(command.name)) {
    return { ok: false, command: parsed.text, body: configProblem, maxParts: DEFAULT_MAX_PARTS };
  }
  const config = read.ok ? read.config : loadRepoConfig(null);
  const maxParts = config.comments.max_parts;
  const requested = 'mode' in command ? command.mode : undefined;
  const resolved =
    command.name === 'plan'
      ? { mode: 'dry-run' as const, reason: 'dry-run: `/ko plan` never writes' }
      : resolveMode({
          ...(requested === undefined ? {} : { requested }),
          configMode: config.mode,
          dryRunLabel: comment.labels.includes(config.labels.dry_run),
        });
  const guard = command.name === 'exec' ? prescreenExec(command.command) : undefined;
  const decision = authorize({
    command,
    commenter: comment.commenter,
    permission: await permissionOf(comment),
    mode: resolved.mode,
    ...(guard === undefined ? {} : { guardVerdict: guard.verdict }),
    allowedBots: config.commands.allowed_bots,
  });
  if (decision.decision === 'ignore') return null;
  const target = `${comment.owner}/${comment.repo}#${comment.pr}`;
  if (decision.decision === 'deny') {
    await comment.audit({
      actor: comment.commenter.login,
      action: `command.${command.name}`,
      target,
      outcome: `refused: ${decision.reason}`,
    });
    return {
      ok: false,
      command: parsed.text,
      body: withNote(`Refused: ${decision.reason}.`),
      maxParts,
    };
  }
  const request: DispatchRequest = {
    octokit: comment.octokit,
    installationId: comment.installationId,
    owner: comment.owner,
    repo: comment.repo,
    pr: comment.pr,
    commentId: comment.commentId,
    commenter: comment.commenter.login,
    config,
    mode: resolved.mode,
    modeReason: resolved.reason,
    traceId: comment.traceId,
    audit: comment.audit,
  };
  const reply = await dispatch(services, request, command, guard);
  const body = configProblem === undefined ? reply.body : `${reply.body}\n\n${configProblem}`;
  return { ok: reply.ok, command: parsed.text, body: withNote(body), maxParts };
}

function dispatch(
  services: DispatchServices,
  request: DispatchRequest,
  command: KoCommand,
  guard: ReturnType<typeof prescreenExec> | undefined,
): Promise<DispatchReply> {
  const repo = `${request.owner}/${request.repo}`;
  switch (command.name) {
    case 'help':
      return Promise.resolve({ ok: true, body: renderHelp(command.topic) });
    case 'status':
      return runStatus(services, request);
    case 'plan':
      return runPlan(services, request);
    case 'approve':
    case 'abort':
      return decideApproval(services, {
        repo,
        pr: request.pr,
        actor: request.commenter,
        action: command.name === 'approve' ? 'proceed' : 'abort',
        ...(command.id === undefined ? {} : { id: command.id }),
        audit: request.audit,
      });
    case 'exec':
      return runExec(services, request, command.command, guard ?? prescreenExec(command.command));
    case 'cancel':
      return cancelJob(services, request, command.job);
    case 'merge':
    case 'rollback':
    case 'synthetic':
    case 'retry':
      return runWorkflowCommand(services, request, command.name);
  }
}
