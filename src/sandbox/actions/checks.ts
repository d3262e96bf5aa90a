import type { SandboxContext } from '../context.ts';
import { emitRepoEvent } from '../events.ts';
import { invalid, notFound } from '../http-error.ts';
import { checkRun, checkSuite, suiteProgress } from '../shapes/checks.ts';
import type {
  CheckAction,
  CheckOutput,
  CheckRunState,
  CheckSuiteState,
  RepoState,
  StatusState,
} from '../state.ts';
import { nextId } from '../state.ts';

/** GitHub's limits on requested_action buttons (docs: "Check runs and requested actions"). */
const ACTION_LIMITS = { maxActions: 3, label: 20, description: 40, identifier: 20 } as const;

/** Throws a 422 naming the field when `actions` break GitHub's limits. */
function validateActions(actions: unknown): CheckAction[] {
  if (actions === undefined) return [];
  if (!Array.isArray(actions)) throw invalid('CheckRun', 'actions', 'actions must be an array');
  if (actions.length > ACTION_LIMITS.maxActions)
    throw invalid('CheckRun', 'actions', `Only ${ACTION_LIMITS.maxActions} actions are allowed`);
  return actions.map((a: Record<string, unknown>, i) => {
    for (const field of ['label', 'description', 'identifier'] as const) {
      const value = a?.[field];
      if (typeof value !== 'string' || value.length === 0)
        throw invalid('CheckRun', `actions[${i}].${field}`, `${field} is missing`, 'missing_field');
      if (value.length > ACTION_LIMITS[field])
        throw invalid(
          'CheckRun',
          `actions[${i}].${field}`,
          `${field} is too long (maximum is ${ACTION_LIMITS[field]} characters)`,
        );
    }
    return {
      label: String(a.label),
      description: String(a.description),
      identifier: String(a.identifier),
    };
  });
}

/** The suite of `appId` for a commit, created (and, for KO's app, announced) if missing. */
export function ensureSuite(
  sb: SandboxContext,
  repo: RepoState,
  appId: number,
  sha: string,
  branch: string | null,
  before: string | null = null,
): CheckSuiteState {
  const existing = Object.values(repo.checkSuites).find(
    (s) => s.appId === appId && s.headSha === sha,
  );
  if (existing) return existing;
  const suite: CheckSuiteState = {
    id: nextId(sb.state),
    appId,
    headSha: sha,
    headBranch: branch,
    before,
    createdAt: sb.now(),
    updatedAt: sb.now(),
    completedSent: false,
  };
  repo.checkSuites[String(suite.id)] = suite;
  if (appId === sb.state.app.id) {
    emitRepoEvent(sb, repo, 'check_suite', repo.owner, {
      action: 'requested',
      check_suite: checkSuite(sb, repo, suite),
    });
  }
  return suite;
}

export interface CheckRunInput {
  name: string;
  headSha: string;
  status?: CheckRunState['status'];
  conclusion?: string | null;
  output?: Partial<CheckOutput>;
  actions?: unknown;
  detailsUrl?: string | null;
  externalId?: string | null;
  startedAt?: string;
  completedAt?: string | null;
}

const CONCLUSIONS = [
  'action_required',
  'cancelled',
  'failure',
  'neutral',
  'success',
  'skipped',
  'stale',
  'timed_out',
];

function checkConclusion(status: string, conclusion: string | null | undefined): string | null {
  if (conclusion !== undefined && conclusion !== null && !CONCLUSIONS.includes(conclusion))
    throw invalid('CheckRun', 'conclusion', `conclusion is not included in the list`);
  if (status === 'completed' && !conclusion)
    throw invalid(
      'CheckRun',
      'conclusion',
      'conclusion is required when status is completed',
      'missing_field',
    );
  return conclusion ?? null;
}

/**
 * Creates a check run (in the app's suite for the commit) and sends `check_run created`, plus
 * `completed` events when it is born completed.
 *
 * @example createCheckRun(sb, repo, appId, 'bot', { name: 'ko/gate', headSha });
 */
export function createCheckRun(
  sb: SandboxContext,
  repo: RepoState,
  appId: number,
  sender: string,
  input: CheckRunInput,
): CheckRunState {
  if (!input.name) throw invalid('CheckRun', 'name', 'name is missing', 'missing_field');
  if (!repo.objects[input.headSha])
    throw invalid('CheckRun', 'head_sha', 'No commit found for SHA: ' + input.headSha);
  const conclusion = input.conclusion ?? null;
  const status = input.status ?? (conclusion ? 'completed' : 'queued');
  const branch =
    Object.entries(repo.refs)
      .find(([, sha]) => sha === input.headSha)?.[0]
      .replace('refs/heads/', '') ?? null;
  const suite = ensureSuite(sb, repo, appId, input.headSha, branch);
  const run: CheckRunState = {
    id: nextId(sb.state),
    suiteId: suite.id,
    appId,
    name: input.name,
    headSha: input.headSha,
    status,
    conclusion: checkConclusion(status, conclusion),
    startedAt: input.startedAt ?? sb.now(),
    completedAt: status === 'completed' ? (input.completedAt ?? sb.now()) : null,
    output: {
      title: input.output?.title ?? null,
      summary: input.output?.summary ?? null,
      text: input.output?.text ?? null,
    },
    actions: validateActions(input.actions),
    detailsUrl: input.detailsUrl ?? null,
    externalId: input.externalId ?? null,
  };
  repo.checkRuns[String(run.id)] = run;
  suite.updatedAt = sb.now();
  emitRepoEvent(sb, repo, 'check_run', sender, {
    action: 'created',
    check_run: checkRun(sb, repo, run),
  });
  if (run.status === 'completed') afterCompleted(sb, repo, run, sender);
  return run;
}

/** Applies a PATCH to a check run; sends `check_run completed` when it completes. */
export function updateCheckRun(
  sb: SandboxContext,
  repo: RepoState,
  run: CheckRunState,
  sender: string,
  input: Partial<CheckRunInput>,
): CheckRunState {
  const wasCompleted = run.status === 'completed';
  if (input.name !== undefined) run.name = input.name;
  if (input.detailsUrl !== undefined) run.detailsUrl = input.detailsUrl;
  if (input.externalId !== undefined) run.externalId = input.externalId;
  if (input.output) run.output = { ...run.output, ...input.output };
  if (input.actions !== undefined) run.actions = validateActions(input.actions);
  if (input.conclusion && !input.status) input.status = 'completed';
  if (input.status) run.status = input.status;
  if (input.conclusion !== undefined || run.status === 'completed')
    run.conclusion = checkConclusion(run.status, input.conclusion ?? run.conclusion);
  if (run.status === 'completed' && !run.completedAt)
    run.completedAt = input.completedAt ?? sb.now();
  if (run.status === 'completed' && !wasCompleted) afterCompleted(sb, repo, run, sender);
  return run;
}

function afterCompleted(
  sb: SandboxContext,
  repo: RepoState,
  run: CheckRunState,
  sender: string,
): void {
  emitRepoEvent(sb, repo, 'check_run', sender, {
    action: 'completed',
    check_run: checkRun(sb, repo, run),
  });
  const suite = repo.checkSuites[String(run.suiteId)];
  if (!suite || suite.completedSent) return;
  if (suiteProgress(repo, suite).status !== 'completed') return;
  suite.completedSent = true;
  suite.updatedAt = sb.now();
  emitRepoEvent(sb, repo, 'check_suite', sender, {
    action: 'completed',
    check_suite: checkSuite(sb, repo, suite),
  });
}

/**
 * A person presses a requested_action button: sends `check_run requested_action` to the app.
 *
 * @example clickAction(sb, repo, run, 'proceed', 'bob');
 */
export function clickAction(
  sb: SandboxContext,
  repo: RepoState,
  run: CheckRunState,
  identifier: string,
  user: string,
): void {
  if (!run.actions.some((a) => a.identifier === identifier)) throw notFound();
  emitRepoEvent(sb, repo, 'check_run', user, {
    action: 'requested_action',
    check_run: checkRun(sb, repo, run),
    requested_action: { identifier },
  });
}

/** Records a commit status (no webhook: KO does not subscribe to `status`). */
export function setStatus(
  sb: SandboxContext,
  repo: RepoState,
  creator: string,
  input: {
    sha: string;
    state: StatusState['state'];
    context?: string;
    description?: string | null;
    targetUrl?: string | null;
  },
): StatusState {
  if (!['error', 'failure', 'pending', 'success'].includes(input.state))
    throw invalid('Status', 'state', 'state is not included in the list');
  if (!repo.objects[input.sha])
    throw invalid('Status', 'sha', `No commit found for SHA: ${input.sha}`);
  const status: StatusState = {
    id: nextId(sb.state),
    sha: input.sha,
    state: input.state,
    context: input.context ?? 'default',
    description: input.description ?? null,
    targetUrl: input.targetUrl ?? null,
    creator,
    createdAt: sb.now(),
    updatedAt: sb.now(),
  };
  repo.statuses.push(status);
  return status;
}
