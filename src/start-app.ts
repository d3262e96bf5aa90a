import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Probot, run, Server } from 'probot';
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

export interface StartedApp {
  mode: AppOptions['mode'];
  /** Probot's server. */
  server: Server;
  /** The Node HTTP server (the runner WebSocket attaches here); undefined in setup mode. */
  httpServer: HttpServer | undefined;
  port: number;
  logger: Logger;
  readiness: ReadinessRegistry;
  /** Stops accepting, lets open requests finish (up to `graceMs`), then closes the rest. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartAppDependencies {
  /** Default: createLogger for service 'ko-app' with the configured secrets masked. */
  logger?: Logger;
  /** Default: the package version. */
  version?: string;
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
      secrets: [options.webhookSecret, options.privateKey, ...options.extraSecrets],
    });
  const readiness = createReadinessRegistry();
  readiness.registerReadinessCheck('data-dir', dataDirWritableCheck(options.dataDir));
  readiness.registerReadinessCheck('log-sink', logSinkCheck(logger));
  const version = deps.version ?? readPackageVersion();
  const app = createKoApp({ logger, readiness, version, startedAt });

  if (options.mode === 'setup') {
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
    }),
  });
  await server.load(app);
  const httpServer = await server.start().catch((error: unknown) => {
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
  return {
    mode: 'app',
    server,
    httpServer,
    port,
    logger,
    readiness,
    async stop(graceMs = 10_000) {
      const timer = setTimeout(() => httpServer.closeAllConnections(), graceMs);
      try {
        await server.stop();
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
