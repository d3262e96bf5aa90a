import { buildGateCheckRun, GATE_CHECK_NAME, type GateInput } from '../approvals/gate-check-run.ts';
import type { StepContext } from './step-context.ts';
import type { WorkflowRun } from './workflow-types.ts';

/**
 * Creates or updates KO's ko/gate check run on the run's head SHA so it says what KO waits for.
 * Skips the call when it would say the same again; finds an existing ko/gate run on the SHA
 * before creating one (a resumed run never makes a second). Returns the patch for the run.
 *
 * @example const patch = await updateGate(ctx, { headSha, checks, approvalRequired: true, approval });
 */
export async function updateGate(
  ctx: StepContext,
  input: GateInput,
): Promise<Pick<WorkflowRun, 'gate'>> {
  const body = buildGateCheckRun(input);
  const said = `${body.status}/${body.conclusion ?? ''}/${body.output.title}`;
  const { owner, repo, gate } = ctx.run;
  if (gate?.head_sha === input.headSha && gate.said === said) return { gate };
  let id = gate?.head_sha === input.headSha ? gate.id : undefined;
  if (id === undefined) {
    const found = await ctx.gh('checks.listForRef ko/gate', () =>
      ctx.octokit.rest.checks.listForRef({
        owner,
        repo,
        ref: input.headSha,
        check_name: GATE_CHECK_NAME,
      }),
    );
    id = found.data.check_runs[0]?.id;
  }
  const fields = {
    status: body.status,
    ...(body.conclusion === undefined ? {} : { conclusion: body.conclusion }),
    ...(body.details_url === undefined ? {} : { details_url: body.details_url }),
    output: body.output,
    actions: body.actions,
  };
  if (id === undefined) {
    const created = await ctx.gh('checks.create ko/gate', () =>
      ctx.octokit.rest.checks.create({
        owner,
        repo,
        name: GATE_CHECK_NAME,
        head_sha: input.headSha,
        ...fields,
      }),
    );
    id = created.data.id;
  } else {
    const checkRunId = id;
    await ctx.gh('checks.update ko/gate', () =>
      ctx.octokit.rest.checks.update({ owner, repo, check_run_id: checkRunId, ...fields }),
    );
  }
  ctx.logger.info(
    { event: 'workflow.gate', check_run_id: id, said },
    `ko/gate: ${body.output.title}`,
  );
  return { gate: { head_sha: input.headSha, id, said } };
}
