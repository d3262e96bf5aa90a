import type { KoRepoConfig } from '../config/repo-config/types.ts';
import type { PlannedCall, WorkflowRun } from './workflow-types.ts';

/**
 * The GitHub calls a run will make, step by step, for the dry-run report (and the record of an
 * applied run). Reads are listed too, so the plan shows everything KO would touch.
 *
 * @example planCalls(run, config).map((c) => c.call); // ['GET /repos/acme/app/git/ref/heads/main', ...]
 */
export function planCalls(
  run: Pick<WorkflowRun, 'kind' | 'owner' | 'repo' | 'pr' | 'branch' | 'reverts_pr'> & {
    base: string;
  },
  config: KoRepoConfig,
): PlannedCall[] {
  const r = `/repos/${run.owner}/${run.repo}`;
  const pr = run.pr === undefined ? '{pr}' : String(run.pr);
  const calls: PlannedCall[] = [];
  const add = (step: PlannedCall['step'], call: string, detail: string): void => {
    calls.push({ step, call, detail });
  };
  if (run.kind === 'synthetic') {
    const file = config.synthetic.file;
    add('branch', `GET ${r}/git/ref/heads/${run.base}`, `the tip of ${run.base}`);
    add('branch', `GET ${r}/contents/${file}`, `read ${file} at that tip`);
    add('branch', `POST ${r}/git/blobs`, `${file} with the line "synthetic run <id> at <time>"`);
    add('branch', `POST ${r}/git/trees`, 'a tree with that one file changed');
    add('branch', `POST ${r}/git/commits`, `a commit on top of ${run.base}`);
    add('branch', `POST ${r}/git/refs`, `create refs/heads/${run.branch ?? 'ko/synthetic-<id>'}`);
    add('pr', `POST ${r}/pulls`, `open a PR from ${run.branch ?? 'the branch'} into ${run.base}`);
  }
  if (run.kind === 'rollback') {
    add(
      'revert',
      'POST /graphql revertPullRequest',
      `open a revert PR for #${run.reverts_pr ?? '?'}`,
    );
  }
  const required = config.checks.required;
  add(
    'checks',
    `GET ${r}/commits/{head}/check-runs + /check-suites + /status`,
    required.length === 0
      ? 'wait until every reported check and check suite passes'
      : `wait for ${required.join(', ')} (at most ${config.checks.timeout_minutes} min)`,
  );
  add('checks', `POST ${r}/check-runs`, 'the ko/gate check run says what KO waits for');
  const auto = run.kind === 'synthetic' && config.approval.auto_approve_synthetic;
  add(
    'gate',
    `PATCH ${r}/check-runs/{ko/gate}`,
    !config.approval.required
      ? 'no approval required'
      : auto
        ? 'approval auto-approved (approval.auto_approve_synthetic)'
        : 'Proceed/Abort buttons; waits for a second person',
  );
  add(
    'merge',
    `PUT ${r}/pulls/${pr}/merge`,
    `${config.merge.method} merge at the checked head SHA`,
  );
  if (run.kind === 'synthetic') {
    const branch = run.branch ?? 'ko/synthetic-<id>';
    add('record', `DELETE ${r}/git/refs/heads/${branch}`, 'remove the merged branch');
  }
  return calls;
}
