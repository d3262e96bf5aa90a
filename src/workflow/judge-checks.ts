import type { GateCheck } from '../approvals/gate-check-run.ts';
import { GATE_CHECK_NAME } from '../approvals/gate-check-run.ts';

/** The fields KO reads of a check run (GET …/commits/{sha}/check-runs). */
export interface CheckRunLike {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  app?: { id: number } | null;
  check_suite?: { id: number } | null;
}

/** The fields KO reads of a check suite (GET …/commits/{sha}/check-suites). */
export interface CheckSuiteLike {
  id: number;
  status: string | null;
  conclusion: string | null;
  app?: { id: number; slug?: string } | null;
}

/** The fields KO reads of a commit status (GET …/commits/{sha}/status). */
export interface StatusLike {
  context: string;
  state: string;
}

/** A required entry `app:<slug>` names a GitHub App: all its check suites on the SHA must pass. */
const APP_PREFIX = 'app:';

const PASSING = ['success', 'neutral', 'skipped'];

type State = GateCheck['state'];

function fromCompleted(conclusion: string | null): State {
  return PASSING.includes(conclusion ?? '') ? 'success' : 'failure';
}

function fromStatus(state: string): State {
  if (state === 'success') return 'success';
  return state === 'pending' ? 'pending' : 'failure';
}

/** Failure wins over pending, pending over success (as for the checks of a run). */
function worst(states: readonly State[]): State {
  if (states.includes('failure')) return 'failure';
  if (states.includes('pending') || states.includes('missing')) return 'pending';
  return 'success';
}

/**
 * How each required check stands, from the check runs, the check suites and the commit statuses
 * of one SHA. KO's own app (its ko/gate run and the suite GitHub makes for KO on every push) is
 * left out.
 *
 * - A name is judged by its latest check run (else the commit status of that context); a
 *   completed run whose suite is queued or in progress counts as pending: the suite was
 *   re-requested (the run is being re-run, its old conclusion is stale), or siblings still run
 *   (KO waits for the whole suite of a required check).
 * - `app:<slug>` is judged by all suites of that app: one not completed → pending (also before
 *   its runs exist), one completed with a failing conclusion → failure.
 * - No required entries: every run and status that reported must pass, and every other app's
 *   suite too (`app:<slug>`), so a PR whose CI is queued but has no runs yet does not pass.
 *
 * @example judgeChecks({ runs, suites, statuses, required: ['build'], ownAppIds: [42] }); // [{ name: 'build', state: 'success' }]
 */
export function judgeChecks(input: {
  runs: readonly CheckRunLike[];
  suites: readonly CheckSuiteLike[];
  statuses: readonly StatusLike[];
  required: readonly string[];
  ownAppIds: readonly number[];
}): GateCheck[] {
  const own = new Set(input.ownAppIds);
  for (const run of input.runs) {
    if (run.name === GATE_CHECK_NAME && run.app) own.add(run.app.id);
  }
  const suites = input.suites.filter((suite) => !own.has(suite.app?.id ?? -1));
  const open = new Set(suites.filter((s) => s.status !== 'completed').map((s) => s.id));
  const states = new Map<string, State>();
  // Newest first, so the first seen per name is the latest attempt.
  for (const run of [...input.runs].sort((a, b) => b.id - a.id)) {
    if (run.name === GATE_CHECK_NAME || own.has(run.app?.id ?? -1) || states.has(run.name)) {
      continue;
    }
    const rerun = open.has(run.check_suite?.id ?? -1);
    states.set(
      run.name,
      run.status !== 'completed' || rerun ? 'pending' : fromCompleted(run.conclusion),
    );
  }
  for (const status of input.statuses) {
    if (!states.has(status.context)) states.set(status.context, fromStatus(status.state));
  }
  const byApp = new Map<string, State[]>();
  for (const suite of suites) {
    const name = `${APP_PREFIX}${suite.app?.slug ?? `id-${suite.app?.id ?? '?'}`}`;
    const state = suite.status === 'completed' ? fromCompleted(suite.conclusion) : 'pending';
    byApp.set(name, [...(byApp.get(name) ?? []), state]);
  }
  if (input.required.length === 0) {
    const apps = [...byApp].map(([name, list]) => ({ name, state: worst(list) }));
    return [
      ...[...states].map(([name, state]) => ({ name, state })),
      ...apps.filter((app) => app.state !== 'success'),
    ];
  }
  return input.required.map((name) => {
    const app = name.startsWith(APP_PREFIX) ? byApp.get(name) : undefined;
    const state = app === undefined ? states.get(name) : worst(app);
    return { name, state: state ?? 'missing' };
  });
}
