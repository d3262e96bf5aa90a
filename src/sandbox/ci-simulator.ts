import { createCheckRun, ensureSuite, setStatus, updateCheckRun } from './actions/checks.ts';
import type { SandboxContext } from './context.ts';
import type { CiCheck, RepoState } from './state.ts';

/** Default time a simulated check takes when the test does not say. */
const DEFAULT_DELAY_MS = 50;

/**
 * Plays a CI app: when a PR is opened or its head moves, it starts the repository's configured
 * checks on the head commit (check runs of the "Sandbox CI" app, or commit statuses) and
 * completes each after its delay with its outcome (`never` stays in progress). With `queuedMs`
 * the app's check suite sits queued, without runs, for that long first.
 *
 * @example
 * repo.ci = { checks: [{ name: 'build', outcome: 'success', delayMs: 20 }] };
 * ci.start(sb, repo, headSha, 'feature');
 */
export class CiSimulator {
  private readonly timers = new Set<NodeJS.Timeout>();
  private running = 0;
  private readonly waiters: (() => void)[] = [];

  start(sb: SandboxContext, repo: RepoState, sha: string, branch: string): void {
    for (const check of repo.ci?.checks ?? []) {
      const queuedMs = check.kind === 'status' ? 0 : (check.queuedMs ?? 0);
      if (queuedMs <= 0) {
        this.run(sb, repo, sha, branch, check);
        continue;
      }
      // The suite exists (queued, no runs) from the push on; the run comes when the job starts.
      ensureSuite(sb, repo, sb.state.ciApp.id, sha, branch);
      this.later(queuedMs, () => this.run(sb, repo, sha, branch, check));
    }
  }

  /** Runs `work` after `ms`, counted as pending work for idle(). */
  private later(ms: number, work: () => void): void {
    this.running += 1;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      try {
        work();
      } finally {
        this.running -= 1;
        if (this.running === 0) for (const wake of this.waiters.splice(0)) wake();
      }
    }, ms);
    this.timers.add(timer);
  }

  private run(
    sb: SandboxContext,
    repo: RepoState,
    sha: string,
    _branch: string,
    check: CiCheck,
  ): void {
    const actor = `${sb.state.ciApp.slug}[bot]`;
    const finish =
      check.kind === 'status'
        ? (() => {
            setStatus(sb, repo, actor, {
              sha,
              state: 'pending',
              context: check.name,
              description: 'Running',
            });
            return () =>
              setStatus(sb, repo, actor, {
                sha,
                state: check.outcome === 'success' ? 'success' : 'failure',
                context: check.name,
                description: check.outcome,
              });
          })()
        : (() => {
            const run = createCheckRun(sb, repo, sb.state.ciApp.id, actor, {
              name: check.name,
              headSha: sha,
              status: 'in_progress',
            });
            return () =>
              updateCheckRun(sb, repo, run, actor, {
                status: 'completed',
                conclusion: check.outcome,
                output: { title: check.outcome, summary: `${check.name}: ${check.outcome}` },
              });
          })();
    if (check.outcome === 'never') return;
    this.later(check.delayMs ?? DEFAULT_DELAY_MS, finish);
  }

  /** Resolves when no simulated check is still waiting to complete. */
  idle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.running = 0;
    for (const wake of this.waiters.splice(0)) wake();
  }
}
