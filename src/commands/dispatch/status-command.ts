import type { DispatchReply, DispatchRequest, DispatchServices } from './dispatch-types.ts';
import { jobsOfPr } from './pr-jobs.ts';

async function checkLines(request: DispatchRequest): Promise<{ head: string; lines: string[] }> {
  const { octokit, owner, repo, pr } = request;
  const { data: pull } = await octokit.rest.pulls.get({ owner, repo, pull_number: pr });
  const head = pull.head.sha;
  const { data } = await octokit.rest.checks.listForRef({ owner, repo, ref: head, per_page: 100 });
  const required = new Set(request.config.checks.required);
  const lines = data.check_runs.map((run) => {
    const state = run.status === 'completed' ? (run.conclusion ?? 'completed') : run.status;
    return `- \`${run.name}\` ${state}${required.has(run.name) ? ' (required)' : ''}`;
  });
  for (const name of required) {
    if (!data.check_runs.some((run) => run.name === name))
      lines.push(`- \`${name}\` missing (required)`);
  }
  return { head, lines: lines.length === 0 ? ['- no checks reported yet'] : lines };
}

/**
 * `/ko status`: the head and its checks, pending approvals, KO's jobs on the PR, and the
 * workflow's own account when the engine runs.
 *
 * @example const { body } = await runStatus(services, request);
 */
export async function runStatus(
  services: DispatchServices,
  request: DispatchRequest,
): Promise<DispatchReply> {
  const { owner, repo, pr } = request;
  const { head, lines } = await checkLines(request);
  const pending = await services.approvals.listPending({ repo: `${owner}/${repo}`, pr });
  const jobs = services.hub ? await jobsOfPr(services.hub, owner, repo, pr) : [];
  const parts = [
    `### KO status of #${pr}`,
    '',
    `Head \`${head.slice(0, 12)}\` · mode ${request.modeReason}`,
    '',
    '**Checks**',
    ...lines,
    '',
    '**Approvals waiting**',
    ...(pending.length === 0
      ? ['- none']
      : pending.map(
          (i) =>
            `- \`${i.id}\` ${i.kind}: ${i.summary} (asked by @${i.requester}, until ${i.expires_at})`,
        )),
    '',
    '**Jobs**',
    ...(jobs.length === 0
      ? ['- none']
      : jobs.slice(-10).map((j) => `- \`${j.id}\` ${j.state}${j.spec.apply ? '' : ' (dry-run)'}`)),
  ];
  if (services.workflow) {
    parts.push('', '**Workflow**', '', await services.workflow.status({ owner, repo, pr }));
  }
  return { ok: true, body: parts.join('\n') };
}

/**
 * `/ko plan`: what `/ko merge` would do for this PR under the repo config, without doing it.
 *
 * @example const { body } = await runPlan(services, request);
 */
export async function runPlan(
  services: DispatchServices,
  request: DispatchRequest,
): Promise<DispatchReply> {
  const { config } = request;
  const { head, lines } = await checkLines(request);
  const steps = [
    `1. Wait for the checks on \`${head.slice(0, 12)}\`${config.checks.required.length > 0 ? ` (required: ${config.checks.required.map((c) => `\`${c}\``).join(', ')})` : ''}, up to ${config.checks.timeout_minutes} minutes.`,
    config.approval.required
      ? `2. Ask for an approval on the ko/gate check run (Proceed/Abort, by someone other than the requester; expires after ${config.approval.expiry_minutes} minutes).`
      : '2. No approval needed (approval.required is false).',
    `3. ${config.merge.method} merge the PR at exactly that head.`,
  ];
  return {
    ok: true,
    body: [
      `### KO plan for #${request.pr} (dry run: nothing is written)`,
      '',
      ...steps,
      '',
      '**Checks now**',
      ...lines,
      '',
      `A real merge runs with \`/ko merge --apply\` or the \`${config.labels.merge}\` label in apply mode (the repository's mode is ${config.mode}).`,
      services.workflow ? '' : '_The workflow engine is not running in this process yet._',
    ].join('\n'),
  };
}
