import { TERMINAL_STATES, type Job, type JobApproval } from '../../hub/job-types.ts';
import type { DispatchReply, DispatchRequest, DispatchServices } from './dispatch-types.ts';
import { execApprovalTarget } from './exec-approval-target.ts';
import { formatJobResult } from './job-reply.ts';
import { jobKey } from './pr-jobs.ts';
import type { GuardDecision } from '../../../runner/src/guard/check-command.ts';
import { splitComment } from '../split-comment.ts';

const DEFAULT_WAIT_MS = 5 * 60_000;

/** A runner label for the job: one a connected runner has, else the first allowed one. */
function chooseLabel(services: DispatchServices, allowed: readonly string[]): string | undefined {
  const connected = new Set(services.hub?.runners().flatMap((r) => r.labels) ?? []);
  return allowed.find((label) => connected.has(label)) ?? allowed[0];
}

/** The hub keeps every job's whole output here (docs/runner.md, "Exec API"); stdout by default. */
function outputUrl(services: DispatchServices, id: string): string {
  return `${services.publicUrl ?? ''}/ko/v1/jobs/${encodeURIComponent(id)}/output`;
}

function fetchHint(services: DispatchServices, id: string): string {
  return `the whole output: \`GET ${outputUrl(services, id)}\` with the operator token (\`?stream=stderr\` for stderr)`;
}

/**
 * `/ko exec`: the guard's pre-check decided already (authorize used it); this asks for an
 * approval when the guard wants one, else submits the job to the hub queue (dry-run unless the
 * mode is apply), replies with its id, and posts the output when it finishes.
 *
 * @example const reply = await runExec(services, request, 'Get-ChildItem', prescreenExec('Get-ChildItem'));
 */
export async function runExec(
  services: DispatchServices,
  request: DispatchRequest,
  command: string,
  guard: GuardDecision,
): Promise<DispatchReply> {
  const { hub } = services;
  if (!hub) {
    return { ok: false, body: 'No runner hub runs in this KO process, so `/ko exec` cannot run.' };
  }
  const label = chooseLabel(services, request.config.exec.allowed_runner_labels);
  if (label === undefined) {
    return {
      ok: false,
      body: '`/ko exec` is off in this repository: `exec.allowed_runner_labels` in `.github/ko.yml` (default branch) is empty. Add the runner labels exec jobs may go to.',
    };
  }
  const fullName = `${request.owner}/${request.repo}`;
  let approval: JobApproval | undefined;
  if (guard.verdict === 'approval') {
    const { data: pull } = await request.octokit.rest.pulls.get({
      owner: request.owner,
      repo: request.repo,
      pull_number: request.pr,
    });
    const headSha = pull.head.sha;
    const target = execApprovalTarget(guard.approval_binding_sha256, headSha);
    const approved = await services.approvals.findApproved({
      kind: 'exec',
      repo: fullName,
      pr: request.pr,
      target,
    });
    if (!approved) {
      const { item, audit } = await services.approvals.request({
        kind: 'exec',
        requester: request.commenter,
        repo: fullName,
        pr: request.pr,
        target,
        summary: `exec \`${command.slice(0, 60).replace(/`/g, "'")}\` at ${headSha.slice(0, 7)}`,
        expiryMinutes: request.config.approval.expiry_minutes,
        traceId: request.traceId,
      });
      for (const event of audit) {
        await request.audit({
          actor: event.actor,
          action: event.action,
          target: event.target,
          outcome: event.outcome,
        });
      }
      return {
        ok: true,
        body: `The guard wants a second person for this command (${guard.rule}: ${guard.reason}).\n\nApproval \`${item.id}\` is pending: someone else can \`/ko approve ${item.id}\`; then comment the same \`/ko exec\` again. It holds for this exact command at head \`${headSha.slice(0, 7)}\`: a changed command or a push to the PR needs a new approval.`,
      };
    }
    // The runner recomputes this binding for the text it receives and runs only on a match.
    approval = {
      id: approved.id,
      approved_by: approved.decided_by ?? 'unknown',
      binding_sha256: guard.approval_binding_sha256,
    };
  }
  const { job, created } = await hub.submit({
    script: command,
    apply: request.mode === 'apply',
    labels: [label],
    idempotency_key: jobKey(
      request.owner,
      request.repo,
      request.pr,
      `comment-${request.commentId}`,
    ),
    ...(approval ? { approval } : {}),
  });
  await request.audit({
    actor: request.commenter,
    action: 'exec.submit',
    target: `${fullName}#${request.pr} job ${job.id}`,
    outcome: `${created ? request.mode : 'duplicate'}${approval ? ` (approval ${approval.id} by ${approval.approved_by})` : ''}`,
  });
  const waitMs = services.execWaitMs ?? DEFAULT_WAIT_MS;
  services.background(`exec ${job.id}`, () => postWhenDone(services, request, job, waitMs));
  return {
    ok: true,
    body: `Job \`${job.id}\` is queued for a runner labelled \`${label}\` (${request.modeReason}). KO posts its output here when it finishes (waiting up to ${Math.round(waitMs / 1000)} s); \`/ko cancel ${job.id}\` stops it.`,
  };
}

async function postWhenDone(
  services: DispatchServices,
  request: DispatchRequest,
  job: Job,
  waitMs: number,
): Promise<void> {
  const hub = services.hub;
  if (!hub) return;
  const finished = await hub.waitForJob(job.id, waitMs);
  const body =
    finished && TERMINAL_STATES.has(finished.state)
      ? await formatJobResult(hub, finished, fetchHint(services, job.id))
      : `KO job \`${job.id}\` is still ${finished?.state ?? 'unknown'} after ${Math.round(waitMs / 1000)} s; ${fetchHint(services, job.id)}.`;
  const parts = splitComment(body, {
    maxParts: request.config.comments.max_parts,
    // A relative link would point into github.com; without a public URL the hint above says it.
    ...(services.publicUrl === undefined ? {} : { fullOutputUrl: outputUrl(services, job.id) }),
  });
  for (const part of parts) {
    await request.octokit.rest.issues.createComment({
      owner: request.owner,
      repo: request.repo,
      issue_number: request.pr,
      body: part.text,
    });
  }
}
