import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Probot, run, Server } from 'probot';
import { traceIdOf } from './github/handler-services.ts';
import { PreconditionError } from '../contracts/errors.ts';
import { createKoApp } from './app.ts';
import { readPackageVersion } from './cli/read-package-version.ts';
import type { AppOptions } from './config/read-env-options.ts';
import { dataDirWritableCheck, logSinkCheck } from './telemetry/health/builtin-checks.ts';
import {
  createReadinessRegistry,
  type ReadinessRegistry,
} from './telemetry/health/readiness-registry.ts';
import { createLogger } from './telemetry/logger.ts';
import type { KoOctokit } from './commands/dispatch/dispatch-types.ts';
import type { OctokitFor, WorkflowPort } from './commands/dispatch/workflow-port.ts';
import { openGitHubServices, type GitHubServices } from './github/open-github-services.ts';
import type { InProcessDeliveryQueue } from './github/in-process-delivery-queue.ts';
import { openDeliveries } from './github/open-deliveries.ts';
import { RedeliveryPoller } from './github/redelivery-poller.ts';
import { KoOctokitClass } from './github/throttled-octokit.ts';
import { attachHub, type Hub } from './hub/hub.ts';
import { createHubHttpHandler, type HubHttpHandler } from './hub/http-handler.ts';
import { startJobRetention } from './hub/job-retention.ts';
import { RunnerTokenStore } from './hub/runner-tokens.ts';
import { join } from 'node:path';
import { discoverScheduledRepos } from './github/scheduled-repos.ts';
import { createWorkflowEngine } from './workflow/workflow-engine.ts';

export interface StartedApp {
  mode: AppOptions['mode'];
  /** Probot's server. */
  server: Server;
  /** The Node HTTP server (the runner WebSocket attaches here); undefined in setup mode. */
  httpServer: HttpServer | undefined;
  port: number;
  logger: Logger;
  readiness: ReadinessRegistry;
  /** The runner hub on the same HTTP server (app mode only). */
  hub?: Hub;
  /** Store, audit log, approvals, delivery ledger (app mode only). */
  github?: GitHubServices;
  /** The workflow engine (app mode only). */
  workflow?: WorkflowPort;
  /** The failed-delivery redelivery poller (app mode only). */
  redelivery?: RedeliveryPoller;
  /**
   * The queue between a webhook's answer and its handlers (app mode only): `settled(id)` and
   * `idle()` wait for handlers; see ADR 0006.
   */
  deliveries?: InProcessDeliveryQueue;
  /**
   * Waits (up to `graceMs`) for running handlers and stops starting queued ones (they run at
   * the next start), then stops accepting and lets open requests finish, then closes the rest.
   */
  stop(graceMs?: number): Promise<void>;
}

export interface StartAppDependencies {
  /** Default: createLogger for service 'ko-app' with the configured secrets masked. */
  logger?: Logger;
  /** Default: the package version. */
  version?: string;
  /** Builds the workflow engine. Default: src/workflow's createWorkflowEngine. */
  createWorkflow?: (deps: WorkflowDependencies) => WorkflowPort;
  /** How long `/ko exec` waits for a job before saying how to fetch it. Default 5 min. */
  execWaitMs?: number;
  /** Redelivery poller interval. Default 5 min. */
  redeliveryIntervalMs?: number;
  /** Octokit class for GitHub calls. Default: KoOctokitClass (bounded rate-limit retries). */
  Octokit?: typeof KoOctokitClass;
  /** Workflow reconcile tick interval. Default: the engine's (60 s). */
  tickIntervalMs?: number;
  /** Webhook handlers running at once. Default 4. */
  deliveryConcurrency?: number;
  /** Retries of TRANSIENT handler failures. Default 3 from 500 ms (delivery-worker.ts). */
  deliveryRetry?: { retries: number; baseMs: number };
}

/** What the app hands the workflow engine. */
export interface WorkflowDependencies {
  store: GitHubServices['store'];
  audit: GitHubServices['auditLog'];
  logger: Logger;
  octokitFor: OctokitFor;
  approvals: GitHubServices['approvals'];
  reconcileEveryMs?: number;
}

/**
 * Starts Probot 14's Server with KO's app, its logger and health routes, and hands back the
 * HTTP server (Probot's run() keeps it hidden). Without APP_ID and a private key it runs
 * Probot's own setup flow instead, through run().
 *
 * @example const app = await startApp(readEnvOptions()); await app.stop();
 */
export async function startApp(
  options: AppOptions,
  deps: StartAppDependencies = {},
): Promise<StartedApp> {
  const startedAt = performance.now();
  const logger =
    deps.logger ??
    createLogger({
      service: 'ko-app',
      level: options.logLevel,
      fallbackFile: options.logFallbackFile,
      secrets: [
        options.webhookSecret,
        options.privateKey,
        ...options.extraSecrets,
        ...options.operatorTokens,
      ],
    });
  const readiness = createReadinessRegistry();
  readiness.registerReadinessCheck('data-dir', dataDirWritableCheck(options.dataDir));
  readiness.registerReadinessCheck('log-sink', logSinkCheck(logger));
  const version = deps.version ?? readPackageVersion();
  if (options.mode === 'setup') {
    const app = createKoApp({ logger, readiness, version, startedAt });
    const server = await run(app, {
      env: { ...process.env, PORT: String(options.port), HOST: options.host },
      log: logger,
    });
    return {
      mode: 'setup',
      server,
      httpServer: undefined,
      port: server.port,
      logger,
      readiness,
      stop: () => server.stop(),
    };
  }

  const github = await openGitHubServices({
    dataDir: options.dataDir,
    logger,
    ...(deps.execWaitMs === undefined ? {} : { execWaitMs: deps.execWaitMs }),
  });
  let probotApp: Probot | undefined;
  const hubRef: { handler?: HubHttpHandler } = {};
  const loaded = (): Probot => {
    if (!probotApp)
      throw new PreconditionError('APP_NOT_LOADED', 'the Probot app is not loaded yet');
    return probotApp;
  };
  const octokitFor: OctokitFor = async (installationId) =>
    (await loaded().auth(installationId)) as unknown as KoOctokit;
  const workflowDeps = {
    store: github.store,
    audit: github.auditLog,
    logger,
    octokitFor,
    approvals: github.approvals,
    ...(options.appId === undefined ? {} : { appId: options.appId }),
    ...(deps.tickIntervalMs === undefined ? {} : { reconcileEveryMs: deps.tickIntervalMs }),
  };
  const workflow =
    deps.createWorkflow === undefined
      ? createWorkflowEngine(workflowDeps)
      : deps.createWorkflow(workflowDeps);
  github.handlers.workflow = workflow;
  const deliveries = openDeliveries({
    ledger: github.ledger,
    services: github.handlers,
    octokitFor: async (installationId) =>
      installationId === undefined
        ? ((await loaded().auth()) as unknown as KoOctokit)
        : octokitFor(installationId),
    logger,
    ...(deps.deliveryConcurrency === undefined ? {} : { concurrency: deps.deliveryConcurrency }),
    ...(deps.deliveryRetry === undefined ? {} : { retry: deps.deliveryRetry }),
  });
  const app = createKoApp({
    logger,
    readiness,
    version,
    startedAt,
    github: {
      intake: deliveries.intake,
      hubHandler: () => hubRef.handler,
      onLoad: (probot) => {
        probotApp = probot;
      },
    },
  });
  const redelivery = new RedeliveryPoller({
    appOctokit: async () => (await loaded().auth()) as unknown as KoOctokit,
    logger,
    audit: async ({ guid, deliveryId, event, outcome }) => {
      await github.auditLog.append({
        actor: 'app',
        action: 'delivery.redeliver',
        target: `${event} delivery ${guid} (attempt ${deliveryId})`,
        outcome,
        trace_id: traceIdOf(guid),
        corr_id: guid,
      });
    },
    ...(deps.redeliveryIntervalMs === undefined ? {} : { intervalMs: deps.redeliveryIntervalMs }),
  });

  if (options.demo && options.webhookSecret === undefined) {
    logger.warn('demo mode without WEBHOOK_SECRET: webhooks are verified with "development"');
  }
  const server = new Server({
    port: options.port,
    host: options.host,
    webhookPath: options.webhookPath,
    log: logger,
    Probot: Probot.defaults({
      appId: options.appId,
      privateKey: options.privateKey,
      secret: options.webhookSecret ?? 'development',
      baseUrl: options.baseUrl,
      log: logger,
      Octokit: deps.Octokit ?? KoOctokitClass,
    }),
  });
  await server.load(app);
  // Before listening: what an earlier process recorded queues ahead of anything new.
  await deliveries.recover();
  const httpServer = await server.start().catch(async (error: unknown) => {
    await github.close();
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new PreconditionError(
      'PORT_IN_USE',
      `port ${options.port} on ${options.host} is already in use`,
      {
        hint: 'stop the other server or set PORT to a free port',
        cause: error,
        details: { variable: 'PORT' },
      },
    );
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : server.port;
  const hub = await attachHub(httpServer, {
    dataDir: join(options.dataDir, 'hub'),
    // Where `ko runner token create` writes (KO_DATA_DIR, not its hub/ folder).
    tokens: new RunnerTokenStore(join(options.dataDir, 'runner-tokens.json')),
    logger,
    operatorTokens: options.operatorTokens,
  });
  const retention = startJobRetention(hub, { maxAgeMs: options.jobRetentionMs, logger });
  github.handlers.hub = hub;
  github.handlers.publicUrl = options.publicUrl ?? `http://${options.host}:${port}`;
  hubRef.handler = createHubHttpHandler(hub);
  redelivery.start();
  deliveries.queue.resume();
  // The scheduler's reconcile timer is the workflow tick; crons only for repos that enable them.
  const appOctokit = async () => (await loaded().auth()) as unknown as KoOctokit;
  let stopping = false;
  void discoverScheduledRepos(appOctokit, octokitFor, logger)
    .catch((error: unknown) => {
      logger.warn(
        { err: error },
        'could not list scheduled repositories; only the reconcile tick runs',
      );
      return [];
    })
    .then((repos) => {
      if (!stopping) workflow.startScheduler(repos);
    });
  void workflow
    .resumeAll()
    .catch((error: unknown) => logger.error({ err: error }, 'workflow resume failed'));
  return {
    mode: 'app',
    server,
    httpServer,
    port,
    logger,
    readiness,
    hub,
    github,
    redelivery,
    workflow,
    deliveries: deliveries.queue,
    async stop(graceMs = 10_000) {
      let timer: NodeJS.Timeout | undefined;
      try {
        stopping = true;
        await workflow.stopScheduler();
        await redelivery.stop();
        // Deliveries arriving meanwhile are still recorded and answered; they run next start.
        await deliveries.queue.stop(graceMs);
        timer = setTimeout(() => httpServer.closeAllConnections(), graceMs);
        await retention.stop();
        await hub.close();
        await server.stop();
      } finally {
        clearTimeout(timer);
        await github.close();
      }
    },
  };
}
