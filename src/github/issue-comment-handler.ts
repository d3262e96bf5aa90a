import { isBot } from '../commands/authorize.ts';
import { handleKoComment } from '../commands/dispatch/handle-ko-comment.ts';
import type { KoOctokit } from '../commands/dispatch/dispatch-types.ts';
import { parseCommand } from '../commands/parse-command.ts';
import { splitComment } from '../commands/split-comment.ts';
import {
  auditSink,
  traceIdOf,
  type HandlerServices,
  type DeliveryContext,
} from './handler-services.ts';
import { readArray, readNumber, readRepo, readString } from './read-payload.ts';

type Reaction = 'eyes' | 'rocket' | 'confused';

/**
 * issue_comment: only `created` on a pull request acts (an edit never does). Eyes while it works,
 * the reply (split under GitHub's comment limit), then rocket or confused.
 *
 * @example app.on('issue_comment', (context) => onIssueComment(services, context));
 */
export async function onIssueComment(
  services: HandlerServices,
  context: DeliveryContext,
): Promise<void> {
  const payload: unknown = context.payload;
  if (readString(payload, 'action') !== 'created') return;
  if (readString(payload, 'issue.pull_request.url') === undefined) return;
  const where = readRepo(payload);
  const pr = readNumber(payload, 'issue.number');
  const commentId = readNumber(payload, 'comment.id');
  const body = readString(payload, 'comment.body') ?? '';
  const login = readString(payload, 'comment.user.login');
  if (!where || pr === undefined || commentId === undefined || login === undefined) return;
  if (parseCommand(body) === null) return;
  const octokit = context.octokit;
  const { owner, repo } = where;
  const commenter = { login, type: readString(payload, 'comment.user.type') ?? null };
  const react = (content: Reaction) =>
    octokit.rest.reactions.createForIssueComment({ owner, repo, comment_id: commentId, content });
  // Bots are only read when the repo config allows them; no reaction before that is known.
  const bot = isBot(commenter);
  if (!bot) await react('eyes');
  const log = services.logger.child({ delivery: context.id, trace_id: traceIdOf(context.id) });
  let outcome;
  try {
    outcome = await handleKoComment(services, {
      octokit,
      installationId: readNumber(payload, 'installation.id') ?? 0,
      owner,
      repo,
      pr,
      commentId,
      body,
      commenter,
      labels: readArray(payload, 'issue.labels')
        .map((label) => readString(label, 'name'))
        .filter((name): name is string => name !== undefined),
      traceId: traceIdOf(context.id),
      audit: auditSink(services, context.id),
    });
  } catch (error) {
    log.error({ err: error }, '/ko command failed');
    const message = error instanceof Error ? error.message : String(error);
    const hint = (error as { hint?: string } | null)?.hint;
    await postReply(
      octokit,
      owner,
      repo,
      pr,
      `KO could not finish this command: ${message}${hint ? ` (${hint})` : ''}.`,
      5,
    );
    await react('confused');
    throw error;
  }
  if (outcome === null) return;
  log.info({ command: outcome.command, ok: outcome.ok, pr }, 'ko command answered');
  await postReply(octokit, owner, repo, pr, outcome.body, outcome.maxParts);
  await react(outcome.ok ? 'rocket' : 'confused');
}

async function postReply(
  octokit: KoOctokit,
  owner: string,
  repo: string,
  pr: number,
  body: string,
  maxParts: number,
): Promise<void> {
  for (const part of splitComment(body, { maxParts })) {
    await octokit.rest.issues.createComment({ owner, repo, issue_number: pr, body: part.text });
  }
}
