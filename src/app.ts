import type { ApplicationFunction, Probot } from 'probot';
import type { Logger } from 'pino';
import type { DeliveryIntake } from './github/delivery-intake.ts';
import { registerHandlers } from './github/register-handlers.ts';
import type { HubHttpHandler } from './hub/http-handler.ts';
import { createHealthHandler } from './telemetry/health/health-handler.ts';
import type { ReadinessRegistry } from './telemetry/health/readiness-registry.ts';

export interface KoAppDependencies {
  logger: Logger;
  readiness: ReadinessRegistry;
  version: string;
  /** performance.now() at process start, for uptime. */
  startedAt: number;
  /** The webhook handlers' services; without them only the HTTP routes are served. */
  github?: {
    /** Records and queues each verified delivery; the handlers run from the queue. */
    intake: DeliveryIntake;
    /** The exec API (/ko/v1/jobs), once the hub is attached to the HTTP server. */
    hubHandler: () => HubHttpHandler | undefined;
    /** Hands the Probot instance back (app-level auth for the redelivery poller). */
    onLoad?: (app: Probot) => void;
  };
}

/**
 * The Probot application function: routes on the app's HTTP server (addHandler) and, as later
 * parts land, the thin webhook handlers of src/github.
 *
 * @example await server.load(createKoApp({ logger, readiness, version, startedAt }));
 */
export function createKoApp(deps: KoAppDependencies): ApplicationFunction {
  return (app, { addHandler }) => {
    addHandler(createHealthHandler(deps));
    const github = deps.github;
    if (!github) return;
    addHandler((req, res) => github.hubHandler()?.(req, res) ?? false);
    registerHandlers(app, github.intake);
    github.onLoad?.(app);
  };
}
