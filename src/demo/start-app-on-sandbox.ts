import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { readEnvOptions } from '../config/read-env-options.ts';
import type { GitHubSandbox } from '../sandbox/index.ts';
import { startApp, type StartAppDependencies, type StartedApp } from '../start-app.ts';

/**
 * A TCP port that was free a moment ago (Probot's Server turns port 0 into 3000, so the app
 * needs a real number).
 *
 * @example const port = await freePort();
 */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * The environment that points the app at the stand-in as a GitHub Enterprise install: its app
 * id, key and webhook secret, GHE_HOST over http, 127.0.0.1 and `port`, state in `dataDir`.
 * For starting the app in this process (startAppOnSandbox) or as a child process (`src/main.ts`).
 *
 * @example spawn('node', ['--import', 'tsx', 'src/main.ts'], { env: { ...process.env, ...sandboxAppEnv(sandbox, { port, dataDir }) } });
 */
export function sandboxAppEnv(
  sandbox: GitHubSandbox,
  where: { port: number; dataDir: string },
): Record<string, string> {
  return {
    APP_ID: String(sandbox.appId),
    PRIVATE_KEY: sandbox.privateKeyPem,
    WEBHOOK_SECRET: sandbox.webhookSecret,
    PORT: String(where.port),
    HOST: '127.0.0.1',
    GHE_HOST: `127.0.0.1:${sandbox.port}`,
    GHE_PROTOCOL: 'http',
    KO_DATA_DIR: where.dataDir,
  };
}

export interface AppOnSandboxOptions {
  sandbox: GitHubSandbox;
  /** Working folder: options resolve against it and the data dir is `<dir>/data`. */
  dir: string;
  logger: Logger;
  /** More environment on top of the app's credentials and GHE_HOST (KO_DEMO, KO_PUBLIC_URL, ...). */
  env?: Record<string, string>;
  /** Passed to startApp (the logger above wins). */
  deps?: StartAppDependencies;
}

/**
 * Starts the real KO app against the GitHub stand-in, as a GitHub Enterprise install would run
 * (GHE_HOST over http, the stand-in's app id, key and webhook secret), on 127.0.0.1 and a free
 * port, and points the stand-in's webhooks at it. Used by `ko demo` and the integration tests.
 *
 * @example const app = await startAppOnSandbox({ sandbox, dir, logger, env: { KO_DEMO: '1' } });
 */
export async function startAppOnSandbox(options: AppOnSandboxOptions): Promise<StartedApp> {
  const { sandbox } = options;
  const appOptions = readEnvOptions(
    {
      ...sandboxAppEnv(sandbox, { port: await freePort(), dataDir: join(options.dir, 'data') }),
      ...options.env,
    },
    options.dir,
  );
  const app = await startApp(appOptions, { ...options.deps, logger: options.logger });
  sandbox.setWebhookTarget(`http://127.0.0.1:${app.port}${appOptions.webhookPath}`);
  return app;
}
