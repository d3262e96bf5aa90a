import type { ApplicationFunction } from 'probot';
import type { Logger } from 'pino';
import { createHealthHandler } from './telemetry/health/health-handler.ts';
import type { ReadinessRegistry } from './telemetry/health/readiness-registry.ts';

export interface KoAppDependencies {
  logger: Logger;
  readiness: ReadinessRegistry;
  version: string;
  /** performance.now() at process start, for uptime. */
  startedAt: number;
}

/**
 * The Probot application function: routes on the app's HTTP server (addHandler) and, as later
 * parts land, the thin webhook handlers of src/github.
 *
 * @example await server.load(createKoApp({ logger, readiness, version, startedAt }));
 */
export function createKoApp(deps: KoAppDependencies): ApplicationFunction {
  return (_app, { addHandler }) => {
    addHandler(createHealthHandler(deps));
  };
}
