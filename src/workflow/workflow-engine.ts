import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { asKoError, ConflictError, TransientError } from '../../contracts/errors.ts';
import type { ApprovalQueue } from '../approvals/approval-queue.ts';
import type { ApprovalItem, AuditEvent } from '../approvals/approval-types.ts';
import { StoreApprovalRepository } from '../approvals/store-approval-repository.ts';
import type { RepoConfigResult } from '../config/repo-config/load-repo-config.ts';
import type { ExperienceStore } from '../store/experience-store.ts';
import type { AuditInput } from '../store/audit/audit-record.ts';
import { withTrace } from '../telemetry/logger.ts';
import { newTraceId } from '../telemetry/tracing.ts';
import { readDefaultBranchConfig } from './fetch-repo-config.ts';
import { callGitHub, DEFAULT_RETRY, type RetryPolicy } from './github-call.ts';
import { FileKeyedMutex, lockDirFor } from './file-keyed-mutex.ts';
import {
  decideRetry,
  reviveRun,
  slotKey,
  type RetryDecision,
  type RetryRequest,
  type RetryResult,
} from './retry-run.ts';
import { appIdOf } from './read-checks.ts';
import { RunStore } from './run-store.ts';
import { STEP_IMPLEMENTATIONS } from './run-steps.ts';
import {
  startWorkflowScheduler,
  type RepoRef,
  type ScheduledRepo,
  type WorkflowScheduler,
} from './scheduler.ts';
import { statusText } from './status-text.ts';
import { applyOutcome, isTerminal, type StepOutcome } from './step-machine.ts';
import { fullName, type Octokit, type StepContext } from './step-context.ts';
import type { WorkflowRun, WorkflowTrigger } from './workflow-types.ts';

/** Where audit records go (the AuditLog of src/store/audit). */
export interface AuditSink {
  append(input: AuditInput): Promise<unknown>;
}

export interface WorkflowEngineOptions {
  store: ExperienceStore;
  audit: AuditSink;
  logger: Logger;
  /** Probot's Octokit for an installation (app auth). */
  octokitFor: (installationId: number) => Promise<Octokit>;
  approvals: ApprovalQueue;
  /** One approval item by id in any state; default: read from the store (StoreApprovalRepository). */
  approvalItem?: (id: string) => Promise<ApprovalItem | undefined>;
  now?: () => Date;
  /** Retries of GitHub calls (5xx, rate limits); default DEFAULT_RETRY. */
  retry?: RetryPolicy;
  /** Who requests scheduled runs; default 'ko[bot]'. */
  botLogin?: string;
  /**
   * KO's GitHub App id: its own check suites (GitHub makes one on every push) are not waited for.
   * Default: asked of the installation Octokit's app auth (read-checks.ts appIdOf).
   */
  appId?: number;
  /**
   * How the scheduler re-reads a repo's config before each synthetic run and on a config push;
   * default: `.github/ko.yml` from the default branch through `octokitFor` (fetch-repo-config.ts).
   */
  readScheduledConfig?: (repo: RepoRef) => Promise<RepoConfigResult>;
  /** How often the scheduler reconciles waiting runs (tick); default 60 000 ms. */
  reconcileEveryMs?: number;
}

interface StartRequest {
  installationId: number;
  owner: string;
  repo: string;
  requestedBy: string;
  apply: boolean;
  traceId?: string;
}

export interface WorkflowEngine {
  startSynthetic(request: StartRequest & { trigger: WorkflowTrigger }): Promise<WorkflowRun>;
  requestMerge(
    request: StartRequest & { pr: number; trigger?: WorkflowTrigger },
  ): Promise<WorkflowRun>;
  withdrawMerge(request: {
    owner: string;
    repo: string;
    pr: number;
    by: string;
  }): Promise<WorkflowRun | undefined>;
  rollback(request: StartRequest & { pr: number }): Promise<WorkflowRun>;
  onChecksChanged(hint: { owner: string; repo: string; headSha: string }): Promise<void>;
  onPullRequestSynchronize(hint: {
    owner: string;
    repo: string;
    pr: number;
    headSha: string;
  }): Promise<void>;
  onApprovalDecided(hint: { approvalId: string }): Promise<void>;
  status(query: { owner: string; repo: string; pr: number }): Promise<string>;
  /**
   * `/ko retry`: restarts the PR's newest run at the step it ended on, when it ended `failed` or
   * `conflict`, under the same trace; refuses the other end states; leaves an active run running.
   */
  retry(request: RetryRequest): Promise<RetryResult>;
  /** Re-reads GitHub for every unfinished run and moves each as far as it can go. */
  tick(): Promise<WorkflowRun[]>;
  /** After a restart: continues every unfinished run from its last recorded step. */
  resumeAll(): Promise<WorkflowRun[]>;
  /** One run by id, as stored. */
  get(runId: string): Promise<WorkflowRun | undefined>;
  /**
   * Crons for the repos given (those with `synthetic.enabled`) and the reconcile timer. Each cron
   * fire re-reads the repo's config from its default branch first (scheduler.ts).
   */
  startScheduler(repos: readonly ScheduledRepo[]): void;
  /**
   * A push to a repo's default branch touched `.github/ko.yml` (configPushHint): re-read it now
   * and add, reschedule or remove the repo's synthetic cron. Before startScheduler it is kept and
   * applied when the scheduler starts.
   */
  onRepoConfigPushed(repo: RepoRef): Promise<void>;
  /** The synthetic crons now: `owner/repo` → pattern. */
  scheduledRepos(): Map<string, string>;
  stopScheduler(): Promise<void>;
}

/** At most this many steps per advance, so a bug cannot spin forever. */
const MAX_STEPS = 25;

function newRunId(): string {
  return `wf-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

function sameRepo(run: WorkflowRun, owner: string, repo: string): boolean {
  return fullName(run).toLowerCase() === `${owner}/${repo}`.toLowerCase();
}

/**
 * The workflow engine: runs are records in the store, advanced step by step under a per-run and
 * a per-PR lock; webhooks are hints (`on…`), `tick()` reconciles with GitHub. See
 * docs/workflow.md and docs/ADR/0005-workflow-engine.md.
 *
 * @example const engine = createWorkflowEngine({ store, audit, logger, octokitFor, approvals }); await engine.resumeAll();
 */
export function createWorkflowEngine(options: WorkflowEngineOptions): WorkflowEngine {
  const runs = new RunStore(options.store);
  const now = options.now ?? (() => new Date());
  const policy = options.retry ?? DEFAULT_RETRY;
  const botLogin = options.botLogin ?? 'ko[bot]';
  const approvalRepository = new StoreApprovalRepository(options.store);
  const approvalItem = options.approvalItem ?? ((id: string) => approvalRepository.get(id));
  // File locks under the data dir: they hold across every KO process sharing it (ADR 0005).
  const lock = (name: string) =>
    new FileKeyedMutex({ dir: lockDirFor(options.store.file, name), logger: options.logger });
  const runLock = lock('run');
  const prLock = lock('pr');
  const startLock = lock('start');
  let scheduler: WorkflowScheduler | undefined;
  /** Config pushes that came before the scheduler started (startup discovery is async). */
  let pushedBeforeStart: RepoRef[] = [];
  let ownAppId: Promise<number | undefined> | undefined =
    options.appId === undefined ? undefined : Promise.resolve(options.appId);

  const runLogger = (run: WorkflowRun): Logger =>
    withTrace(options.logger, { trace_id: run.trace_id, corr_id: run.id }).child({
      run: run.id,
      kind: run.kind,
    });

  const target = (run: WorkflowRun): string =>
    `${fullName(run)}#${run.pr ?? '-'} ${run.kind} ${run.id}`;

  async function audit(run: WorkflowRun, action: string, outcome: string, actor = 'ko') {
    await options.audit.append({
      actor,
      action,
      target: target(run),
      outcome,
      trace_id: run.trace_id,
      corr_id: run.id,
    });
  }

  async function auditApproval(run: WorkflowRun | undefined, events: readonly AuditEvent[]) {
    for (const event of events) {
      await options.audit.append({
        actor: event.actor,
        action: event.action,
        target: event.target,
        outcome: event.reason === undefined ? event.outcome : `${event.outcome}: ${event.reason}`,
        trace_id: run?.trace_id ?? event.trace_id ?? newTraceId(),
        corr_id: run?.id ?? event.approval.id,
      });
    }
  }

  /** Stores the run after an outcome; logs and audits every new history line. */
  async function commit(run: WorkflowRun, outcome: StepOutcome): Promise<WorkflowRun> {
    const next = applyOutcome(run, outcome, now());
    await runs.save(next);
    if (next.history.length > run.history.length) {
      const entry = next.history.at(-1);
      const status = entry?.status === 'ended' ? `ended ${next.state}` : (entry?.status ?? '');
      runLogger(next).info(
        { event: 'workflow.step', step: run.step, status: entry?.status, state: next.state },
        `${run.step} ${status}: ${outcome.detail}`,
      );
      await audit(next, `workflow.${run.step}`, `${status}: ${outcome.detail}`);
    }
    return next;
  }

  async function executeStep(run: WorkflowRun, octokit: Octokit): Promise<StepOutcome> {
    const logger = runLogger(run);
    const ctx: StepContext = {
      run,
      octokit,
      gh: (label, call) => callGitHub(label, call, { logger, policy }),
      logger,
      now,
      approvals: options.approvals,
      approvalItem,
      ownAppId: () => (ownAppId ??= appIdOf(octokit)),
      auditApproval: (events) => auditApproval(run, events),
    };
    return STEP_IMPLEMENTATIONS[run.step](ctx);
  }

  /** A transient failure leaves the run on its step, with the error and when to try again. */
  async function recordTransient(run: WorkflowRun, error: TransientError): Promise<WorkflowRun> {
    const retryAt = error.details?.['retryAt'];
    const next: WorkflowRun = {
      ...run,
      last_error: `${error.code}: ${error.message}`,
      updated_at: now().toISOString(),
      ...(typeof retryAt === 'string' ? { not_before: retryAt } : {}),
    };
    await runs.save(next);
    runLogger(run).warn(
      { event: 'workflow.transient', step: run.step, code: error.code, retry_at: retryAt },
      `${run.step} will be retried: ${error.message}`,
    );
    if (run.last_error !== next.last_error) {
      await audit(run, `workflow.${run.step}`, `retrying: ${error.code}: ${error.message}`);
    }
    return next;
  }

  function advance(runId: string): Promise<WorkflowRun | undefined> {
    return runLock.run(runId, async () => {
      let run = await runs.get(runId);
      let octokit: Octokit | undefined;
      for (let i = 0; run !== undefined && i < MAX_STEPS; i++) {
        if (isTerminal(run)) return run;
        if (run.not_before !== undefined && now().toISOString() < run.not_before) return run;
        const current: WorkflowRun = run;
        const key =
          current.pr === undefined
            ? `${fullName(current)}#run:${current.id}`
            : `${fullName(current)}#${current.pr}`;
        let outcome: StepOutcome;
        try {
          octokit ??= await options.octokitFor(current.installation_id);
          outcome = await prLock.run(key, () => executeStep(current, octokit as Octokit));
        } catch (error) {
          if (error instanceof TransientError) return recordTransient(current, error);
          const koError = asKoError(error);
          runLogger(current).error(
            { event: 'workflow.error', step: current.step, err: error },
            `${current.step} failed: ${koError.message}`,
          );
          outcome = {
            type: 'end',
            state: 'failed',
            detail: `${koError.code}: ${koError.message}${koError.hint ? ` (${koError.hint})` : ''}`,
          };
        }
        run = await commit(current, outcome);
        if (run.state === 'waiting_checks' || run.state === 'waiting_approval') return run;
      }
      return run;
    });
  }

  async function create(
    fields: Pick<
      WorkflowRun,
      'kind' | 'owner' | 'repo' | 'installation_id' | 'trigger' | 'requested_by' | 'apply'
    > &
      Partial<Pick<WorkflowRun, 'pr' | 'reverts_pr'>> & { traceId?: string | undefined },
  ): Promise<WorkflowRun> {
    const at = now().toISOString();
    const { traceId, ...rest } = fields;
    const run: WorkflowRun = {
      ...rest,
      id: newRunId(),
      trace_id: traceId ?? newTraceId(),
      state: 'running',
      step: 'plan',
      history: [],
      started_at: at,
      updated_at: at,
    };
    await runs.save(run);
    runLogger(run).info(
      { event: 'workflow.start', trigger: run.trigger, apply: run.apply },
      `${run.kind} run ${run.id} started (${run.trigger}, ${run.apply ? 'apply' : 'dry-run'}) by ${run.requested_by}`,
    );
    await audit(
      run,
      `workflow.${run.kind}.start`,
      `requested: ${run.trigger}, ${run.apply ? 'apply' : 'dry-run'}`,
      run.requested_by,
    );
    return run;
  }

  async function active(filter: (run: WorkflowRun) => boolean): Promise<WorkflowRun[]> {
    return (await runs.all()).filter((run) => !isTerminal(run) && filter(run));
  }

  /** Joins the active run of slot `key` (slotKey), or makes one; checked and created under one lock per key. */
  async function startOrJoin(key: string, make: () => Promise<WorkflowRun>): Promise<WorkflowRun> {
    const run = await startLock.run(key, async () => {
      const [running] = await active((candidate) => slotKey(candidate) === key);
      if (running === undefined) return make();
      runLogger(running).info(
        { event: 'workflow.joined' },
        `run ${running.id} is already active; not starting another`,
      );
      return running;
    });
    return (await advance(run.id)) ?? run;
  }

  async function advanceAll(list: readonly WorkflowRun[]): Promise<WorkflowRun[]> {
    const results: WorkflowRun[] = [];
    const failures: unknown[] = [];
    for (const run of list) {
      try {
        const next = await advance(run.id);
        if (next) results.push(next);
      } catch (error) {
        failures.push(error);
        runLogger(run).error(
          { event: 'workflow.advance_failed', err: error },
          `could not advance ${run.id}`,
        );
      }
    }
    if (failures.length > 0) throw new AggregateError(failures, 'some runs could not advance');
    return results;
  }

  async function tick(): Promise<WorkflowRun[]> {
    const expired = await options.approvals.expireDue();
    if (expired.length > 0) {
      const all = await runs.all();
      for (const event of expired) {
        await auditApproval(
          all.find((r) => r.approval_id === event.approval.id),
          [event],
        );
      }
    }
    return advanceAll(await active(() => true));
  }

  async function runsOnPr(owner: string, repo: string, pr: number): Promise<WorkflowRun[]> {
    return (await runs.all()).filter(
      (run) => sameRepo(run, owner, repo) && (run.pr === pr || run.reverts_pr === pr),
    );
  }

  /** Restarts `picked` if it is still the PR's run to retry and its slot is free; under the start lock. */
  async function restart(
    request: RetryRequest,
    picked: WorkflowRun,
  ): Promise<RetryDecision | RetryResult> {
    const key = slotKey(picked);
    return startLock.run(key, async () => {
      const decision = decideRetry(await runsOnPr(request.owner, request.repo, request.pr));
      if (decision.type !== 'restart' || decision.run.id !== picked.id) return decision;
      const [other] = await active((run) => slotKey(run) === key);
      if (other !== undefined) return { type: 'active', run: other };
      const refusal = await request.mayRetry?.(decision.run);
      if (refusal !== undefined) return { type: 'refuse', run: decision.run, reason: refusal };
      return runLock.run(picked.id, async (): Promise<RetryDecision | RetryResult> => {
        const run = await runs.get(picked.id);
        if (run === undefined || !isTerminal(run)) return decideRetry(run ? [run] : []);
        const revived = reviveRun(run, request.requestedBy, now());
        await runs.save(revived);
        const entry = revived.history.at(-1);
        runLogger(revived).info(
          { event: 'workflow.retry', step: run.step, from: run.state, by: request.requestedBy },
          entry?.detail ?? 'retried',
        );
        await audit(
          revived,
          'workflow.retry',
          `restarted at ${run.step} after ${run.state}: ${run.reason ?? 'no reason'}`,
          request.requestedBy,
        );
        return {
          outcome: 'restarted',
          run: revived,
          from: { state: run.state, step: run.step, reason: run.reason },
        };
      });
    });
  }

  async function retry(request: RetryRequest): Promise<RetryResult> {
    // Decided once to find the slot to lock, then again under that lock (a race may change it).
    for (let attempt = 0; attempt < 3; attempt++) {
      const first = decideRetry(await runsOnPr(request.owner, request.repo, request.pr));
      const decided = first.type === 'restart' ? await restart(request, first.run) : first;
      if ('outcome' in decided) {
        if (decided.outcome !== 'restarted') return decided;
        return { ...decided, run: (await advance(decided.run.id)) ?? decided.run };
      }
      switch (decided.type) {
        case 'none':
          return { outcome: 'none' };
        case 'refuse':
          return { outcome: 'refused', run: decided.run, reason: decided.reason };
        case 'active':
          // Not restarted, but moved on now: a stuck waiting run re-reads GitHub at once.
          return { outcome: 'active', run: (await advance(decided.run.id)) ?? decided.run };
        case 'restart':
          continue; // another run became the one to retry while we waited for the lock
      }
    }
    return { outcome: 'none' };
  }

  const engine: WorkflowEngine = {
    startSynthetic: (request) =>
      startOrJoin(slotKey({ kind: 'synthetic', owner: request.owner, repo: request.repo }), () =>
        create({
          kind: 'synthetic',
          owner: request.owner,
          repo: request.repo,
          installation_id: request.installationId,
          trigger: request.trigger,
          requested_by: request.requestedBy,
          apply: request.apply,
          traceId: request.traceId,
        }),
      ),

    requestMerge: (request) =>
      startOrJoin(
        slotKey({ kind: 'merge', owner: request.owner, repo: request.repo, pr: request.pr }),
        () =>
          create({
            kind: 'merge',
            owner: request.owner,
            repo: request.repo,
            pr: request.pr,
            installation_id: request.installationId,
            trigger: request.trigger ?? 'comment',
            requested_by: request.requestedBy,
            apply: request.apply,
            traceId: request.traceId,
          }),
      ),

    rollback: (request) =>
      startOrJoin(
        slotKey({
          kind: 'rollback',
          owner: request.owner,
          repo: request.repo,
          reverts_pr: request.pr,
        }),
        () =>
          create({
            kind: 'rollback',
            owner: request.owner,
            repo: request.repo,
            reverts_pr: request.pr,
            installation_id: request.installationId,
            trigger: 'comment',
            requested_by: request.requestedBy,
            apply: request.apply,
            traceId: request.traceId,
          }),
      ),

    async withdrawMerge({ owner, repo, pr, by }) {
      const [found] = await active(
        (run) => run.kind === 'merge' && run.pr === pr && sameRepo(run, owner, repo),
      );
      if (found === undefined) return undefined;
      return runLock.run(found.id, async () => {
        const run = await runs.get(found.id);
        if (run === undefined || isTerminal(run)) return run;
        if (run.approval_id !== undefined) {
          try {
            const voided = await options.approvals.void(
              run.approval_id,
              by,
              'merge request withdrawn',
            );
            await auditApproval(run, voided.audit);
          } catch (error) {
            // Already decided or gone: the run ends as withdrawn all the same.
            if (!(error instanceof ConflictError)) throw error;
          }
        }
        await audit(run, 'workflow.merge.withdraw', 'done', by);
        return commit(run, {
          type: 'end',
          state: 'withdrawn',
          detail: `merge request withdrawn by ${by}`,
        });
      });
    },

    async onChecksChanged({ owner, repo, headSha }) {
      await advanceAll(
        await active((run) => sameRepo(run, owner, repo) && run.head_sha === headSha),
      );
    },

    async onPullRequestSynchronize({ owner, repo, pr, headSha }) {
      const affected = await active(
        (run) =>
          run.pr === pr &&
          sameRepo(run, owner, repo) &&
          ['checks', 'gate', 'merge'].includes(run.step),
      );
      const voided = await options.approvals.onHeadChanged(`${owner}/${repo}`, pr, headSha, 'ko');
      await auditApproval(affected[0], voided);
      for (const found of affected) {
        await runLock.run(found.id, async () => {
          const run = await runs.get(found.id);
          if (run === undefined || isTerminal(run) || run.head_sha === headSha) return;
          await commit(run, {
            type: 'goto',
            step: 'checks',
            detail: `push moved the head from ${(run.head_sha ?? '?').slice(0, 12)} to ${headSha.slice(0, 12)}; approval voided, checks again`,
            patch: { head_sha: headSha, approval_id: undefined, checks_since: now().toISOString() },
          });
        });
      }
      await advanceAll(affected);
    },

    async onApprovalDecided({ approvalId }) {
      await advanceAll(await active((run) => run.approval_id === approvalId.toLowerCase()));
    },

    async status({ owner, repo, pr }) {
      const list = (await runs.all())
        .filter((run) => sameRepo(run, owner, repo) && (run.pr === pr || run.reverts_pr === pr))
        .sort((a, b) => b.started_at.localeCompare(a.started_at));
      const pending = await options.approvals.listPending({ repo: `${owner}/${repo}`, pr });
      return statusText(`${owner}/${repo}`, pr, list, pending);
    },

    retry,

    tick,

    async resumeAll() {
      const unfinished = await active(() => true);
      options.logger.info(
        { event: 'workflow.resume', runs: unfinished.map((r) => r.id) },
        `resuming ${unfinished.length} unfinished workflow run(s)`,
      );
      return tick();
    },

    get: (runId) => runs.get(runId),

    startScheduler(repos) {
      scheduler?.stop();
      scheduler = startWorkflowScheduler({
        repos,
        reconcileEveryMs: options.reconcileEveryMs ?? 60_000,
        logger: options.logger,
        startSynthetic: (entry) =>
          engine.startSynthetic({
            installationId: entry.installationId,
            owner: entry.owner,
            repo: entry.repo,
            trigger: 'cron',
            requestedBy: botLogin,
            apply: entry.config.mode === 'apply',
          }),
        tick,
        readConfig:
          options.readScheduledConfig ??
          (async (entry) => {
            const octokit = await options.octokitFor(entry.installationId);
            const gh = <T>(label: string, call: () => Promise<T>) =>
              callGitHub(label, call, { logger: options.logger, policy });
            return (await readDefaultBranchConfig(gh, octokit, entry.owner, entry.repo)).result;
          }),
      });
      const started = scheduler;
      const early = pushedBeforeStart;
      pushedBeforeStart = [];
      for (const repo of early)
        void started.refresh(repo).catch((error: unknown) =>
          options.logger.error(
            {
              err: error,
              event: 'workflow.config_push_failed',
              repo: `${repo.owner}/${repo.repo}`,
            },
            'could not apply a config push that came before the scheduler started',
          ),
        );
    },

    async onRepoConfigPushed(repo) {
      if (scheduler) await scheduler.refresh(repo);
      else pushedBeforeStart.push(repo);
    },

    scheduledRepos: () => scheduler?.jobs() ?? new Map<string, string>(),

    async stopScheduler() {
      const running = scheduler;
      scheduler = undefined;
      await running?.stop();
    },
  };
  return engine;
}
