import { authorize } from '../commands/authorize.ts';
import { readRepoConfig } from '../commands/dispatch/read-repo-config.ts';
import type { PermissionResponse } from '../commands/permission.ts';
import { resolveMode } from '../commands/resolve-mode.ts';
import { formatRepoConfigIssues } from '../config/repo-config/format-config-issues.ts';
import { auditSink, type HandlerServices, type DeliveryContext } from './handler-services.ts';
import { runListeners, type Listener } from './run-listeners.ts';
import { readArray, readNumber, readRepo, readString } from './read-payload.ts';

/**
 * Adding this label to a pull request starts a synthetic run, like `/ko synthetic` in a comment
 * (issue 5's "started by label toggle"); KO removes it again.
 */
export const SYNTHETIC_LABEL = 'ko:synthetic';

/** Removes a label; one that is gone already (404) is fine: someone toggled it off first. */
async function removeLabelIfThere(
  octokit: DeliveryContext['octokit'],
  where: { owner: string; repo: string; issue_number: number; name: string },
): Promise<void> {
  try {
    await octokit.rest.issues.removeLabel(where);
  } catch (error) {
    if ((error as { status?: number }).status !== 404) throw error;
  }
}

function labelsOf(payload: unknown): string[] {
  return readArray(payload, 'pull_request.labels')
    .map((label) => readString(label, 'name'))
    .filter((name): name is string => name !== undefined);
}

/**
 * pull_request: the merge label asks for a merge (removing it withdraws the request), the dry-run
 * label forces dry-run (read whenever a mode is resolved), a push voids head-bound approvals and
 * tells the workflow.
 *
 * @example app.on('pull_request', (context) => onPullRequest(services, context));
 */
export async function onPullRequest(
  services: HandlerServices,
  context: DeliveryContext,
): Promise<void> {
  const payload: unknown = context.payload;
  const action = readString(payload, 'action');
  const where = readRepo(payload);
  const pr = readNumber(payload, 'pull_request.number') ?? readNumber(payload, 'number');
  if (!where || pr === undefined) return;
  const { owner, repo } = where;
  const sender = readString(payload, 'sender.login') ?? 'unknown';
  const log = services.logger.child({ delivery: context.id, pr: `${owner}/${repo}#${pr}` });
  const audit = auditSink(services, context.id);
  const listeners: Listener[] = [];

  if (action === 'synchronize') {
    const headSha = readString(payload, 'pull_request.head.sha');
    if (headSha === undefined) return;
    listeners.push({
      name: 'approvals.onHeadChanged',
      run: async () => {
        const events = await services.approvals.onHeadChanged(
          `${owner}/${repo}`,
          pr,
          headSha,
          sender,
        );
        for (const e of events)
          await audit({
            actor: e.actor,
            action: e.action,
            target: e.target,
            outcome: e.outcome,
            trace_id: e.trace_id,
          });
      },
    });
    if (services.workflow) {
      const workflow = services.workflow;
      listeners.push({
        name: 'workflow.onPullRequestSynchronize',
        run: () => workflow.onPullRequestSynchronize({ owner, repo, pr, headSha }),
      });
    }
  } else if (action === 'labeled' || action === 'unlabeled') {
    const label = readString(payload, 'label.name');
    if (label === undefined) return;
    const octokit = context.octokit;
    const read = await readRepoConfig(octokit, owner, repo).catch((error: unknown) => {
      // A label KO cannot judge (config unreadable) must not fail the delivery of every label.
      log.warn({ err: error, label }, 'label ignored: repo config unreadable');
      return undefined;
    });
    if (!read) return;
    if (!read.ok) {
      if (label.startsWith('ko:')) {
        await octokit.rest.issues.createComment({
          owner,
          repo,
          issue_number: pr,
          body: formatRepoConfigIssues(read.issues, { ref: read.ref }),
        });
      }
      return;
    }
    const config = read.config;
    if (label === config.labels.dry_run) {
      log.info({ label, action }, 'dry-run label changed: modes of this PR follow it');
      await audit({
        actor: sender,
        action: `label.${action}`,
        target: `${owner}/${repo}#${pr}`,
        outcome: label,
      });
      return;
    }
    // The synthetic label is a toggle: adding it starts a run (as `/ko synthetic` does), and KO
    // takes it off again so the next toggle starts the next run; its removal means nothing.
    const synthetic = label === SYNTHETIC_LABEL;
    if (!synthetic && label !== config.labels.merge) return;
    if (synthetic && action === 'unlabeled') return;
    const workflow = services.workflow;
    if (action === 'unlabeled') {
      if (workflow)
        listeners.push({
          name: 'workflow.withdrawMerge',
          run: () => workflow.withdrawMerge({ owner, repo, pr, by: sender }),
        });
      await audit({
        actor: sender,
        action: 'workflow.withdraw',
        target: `${owner}/${repo}#${pr}`,
        outcome: 'label removed',
      });
    } else {
      const mode = resolveMode({
        configMode: config.mode,
        dryRunLabel: labelsOf(payload).includes(config.labels.dry_run),
      });
      const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
        owner,
        repo,
        username: sender,
      });
      const command = synthetic ? ('synthetic' as const) : ('merge' as const);
      const decision = authorize({
        command: { name: command },
        commenter: { login: sender, type: readString(payload, 'sender.type') ?? null },
        permission: data as PermissionResponse,
        mode: mode.mode,
        allowedBots: config.commands.allowed_bots,
      });
      if (decision.decision !== 'allow') {
        await audit({
          actor: sender,
          action: `workflow.${command}`,
          target: `${owner}/${repo}#${pr}`,
          outcome: `refused: ${decision.reason}`,
        });
        if (decision.decision === 'deny') {
          await octokit.rest.issues.createComment({
            owner,
            repo,
            issue_number: pr,
            body: `The \`${label}\` label cannot start ${synthetic ? 'a synthetic run' : 'a merge'}: ${decision.reason}.`,
          });
        }
        return;
      }
      if (!workflow) {
        log.warn(`${label} label added, but the workflow engine is not wired in this process`);
        return;
      }
      const installationId = readNumber(payload, 'installation.id') ?? 0;
      if (synthetic) {
        listeners.push({
          name: 'workflow.startSynthetic',
          run: async () => {
            await removeLabelIfThere(octokit, { owner, repo, issue_number: pr, name: label });
            await workflow.startSynthetic({
              installationId,
              owner,
              repo,
              trigger: 'label',
              requestedBy: sender,
              apply: mode.mode === 'apply',
            });
            await audit({
              actor: sender,
              action: 'workflow.synthetic',
              target: `${owner}/${repo}#${pr}`,
              outcome: mode.mode,
            });
          },
        });
      } else
        listeners.push({
          name: 'workflow.requestMerge',
          run: () =>
            workflow.requestMerge({
              installationId,
              owner,
              repo,
              pr,
              requestedBy: sender,
              apply: mode.mode === 'apply',
              trigger: 'label',
            }),
        });
    }
  } else {
    log.debug({ action }, 'pull_request event');
    return;
  }
  await runListeners(log, listeners);
}
