import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProbotOctokit } from 'probot';
import { destination, type Logger } from 'pino';
import { stringify } from 'yaml';
import { ApprovalQueue } from '../../../src/approvals/approval-queue.ts';
import { StoreApprovalRepository } from '../../../src/approvals/store-approval-repository.ts';
import {
  startGitHubSandbox,
  type CiCheck,
  type GitHubSandbox,
} from '../../../src/sandbox/index.ts';
import { AuditLog } from '../../../src/store/audit/audit-log.ts';
import { storeAuditHead } from '../../../src/store/audit/audit-head.ts';
import { ExperienceStore } from '../../../src/store/experience-store.ts';
import { createLogger } from '../../../src/telemetry/logger.ts';
import {
  createWorkflowEngine,
  type WorkflowEngine,
  type WorkflowEngineOptions,
} from '../../../src/workflow/workflow-engine.ts';

/** One engine process: its store, audit log, approval queue and engine, on a shared data dir. */
export interface EngineProcess {
  store: ExperienceStore;
  audit: AuditLog;
  queue: ApprovalQueue;
  engine: WorkflowEngine;
  logger: Logger;
  close(): Promise<void>;
}

export interface Harness {
  sandbox: GitHubSandbox;
  dataDir: string;
  logFile: string;
  repo: { owner: string; repo: string };
  installationId: number;
  /** Octokit calls that wrote (non-GET) and succeeded, as `METHOD url`. */
  writes: string[];
  startEngine(extra?: Partial<WorkflowEngineOptions>): Promise<EngineProcess>;
  close(): Promise<void>;
}

/** Repo config for the tests: apply mode, build required, synthetic auto-approved unless told otherwise. */
export function koYml(overrides: Record<string, unknown> = {}): string {
  return stringify({
    mode: 'apply',
    approval: { required: true, auto_approve_synthetic: true, expiry_minutes: 60 },
    checks: { required: ['build'], timeout_minutes: 5 },
    ...overrides,
  });
}

/**
 * A GitHub stand-in with one seeded repo (acme/widgets, CI "build" passing after 100 ms) and a
 * temp data dir; `startEngine` opens a store, audit log and engine on that dir, as a KO process
 * would (call it twice to play a restart).
 */
export async function startHarness(
  options: {
    config?: string;
    ciOutcome?: 'success' | 'failure';
    ci?: CiCheck[];
    files?: Record<string, string>;
  } = {},
): Promise<Harness> {
  const sandbox = await startGitHubSandbox({ webhookUrl: 'http://127.0.0.1:9/unused' });
  const dataDir = await mkdtemp(join(tmpdir(), 'ko-workflow-'));
  const logFile = join(dataDir, 'logs', 'app.jsonl');
  const repo = { owner: 'acme', repo: 'widgets' };
  sandbox.seedRepo({
    repo: 'acme/widgets',
    files: {
      'README.md': '# widgets\n',
      '.github/ko.yml': options.config ?? koYml(),
      ...options.files,
    },
    ci: {
      checks: options.ci ?? [
        { name: 'build', outcome: options.ciOutcome ?? 'success', delayMs: 100 },
      ],
    },
    requiredChecks: ['build'],
  });
  const writes: string[] = [];
  const processes: EngineProcess[] = [];
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(dataDir, 'logs'), { recursive: true });
  const harness: Harness = {
    sandbox,
    dataDir,
    logFile,
    repo,
    installationId: sandbox.installationId('acme'),
    writes,
    async startEngine(extra = {}) {
      const logger = createLogger({
        service: 'ko-app',
        level: 'info',
        primary: destination({ dest: logFile, sync: true, append: true }),
      });
      const store = await ExperienceStore.open({ dataDir, logger, fsync: false });
      const audit = await AuditLog.open({
        dir: join(dataDir, 'audit'),
        logger,
        head: storeAuditHead(store),
      });
      const octokits = new Map<number, InstanceType<typeof ProbotOctokit>>();
      const queue = new ApprovalQueue({
        repository: new StoreApprovalRepository(store),
        logger,
        ...(extra.now ? { now: extra.now } : {}),
      });
      const engine = createWorkflowEngine({
        store,
        audit,
        logger,
        approvals: queue,
        retry: { retries: 4, baseMs: 20, maxWaitMs: 5_000 },
        reconcileEveryMs: 100,
        // One Octokit per installation, as Probot's app.auth caches tokens.
        octokitFor: async (installationId) => {
          const cached = octokits.get(installationId);
          if (cached) return cached;
          const octokit = new ProbotOctokit({
            auth: { appId: sandbox.appId, privateKey: sandbox.privateKeyPem, installationId },
            baseUrl: sandbox.apiUrl,
            throttle: { enabled: false },
            retry: { enabled: false },
          });
          octokit.hook.after('request', (_response, request) => {
            if (request.method !== 'GET') writes.push(`${request.method} ${request.url}`);
          });
          octokits.set(installationId, octokit);
          return octokit;
        },
        ...extra,
      });
      const proc: EngineProcess = {
        store,
        audit,
        queue,
        engine,
        logger,
        async close() {
          await engine.stopScheduler();
          await audit.close();
        },
      };
      processes.push(proc);
      return proc;
    },
    async close() {
      for (const proc of processes) await proc.close().catch(() => undefined);
      await sandbox.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

type RunRecord = NonNullable<Awaited<ReturnType<WorkflowEngine['get']>>>;

const ENDED = ['merged', 'planned', 'failed', 'aborted', 'conflict', 'withdrawn'];

/** Calls tick until the run satisfies `done` (or `timeoutMs` passes), as the reconcile timer would. */
async function tickUntil(
  engine: WorkflowEngine,
  runId: string,
  done: (run: RunRecord) => boolean,
  timeoutMs: number,
): Promise<RunRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await engine.tick();
    const run = await engine.get(runId);
    if (run === undefined) throw new Error(`no run ${runId}`);
    if (done(run)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.state} at ${run.step}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Calls tick until the run reaches `state` (or `timeoutMs` passes). */
export function tickUntilState(
  engine: WorkflowEngine,
  runId: string,
  state: string,
  timeoutMs = 15_000,
): Promise<RunRecord> {
  return tickUntil(engine, runId, (run) => run.state === state, timeoutMs);
}

/** Calls tick until the run ends (or `timeoutMs` passes). */
export function tickUntilDone(
  engine: WorkflowEngine,
  runId: string,
  timeoutMs = 15_000,
): Promise<RunRecord> {
  return tickUntil(engine, runId, (run) => ENDED.includes(run.state), timeoutMs);
}
