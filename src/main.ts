// `npm start`: wiring only. Everything called here is importable by tests (start-app.ts).
import { existsSync } from 'node:fs';
import { asKoError } from '../contracts/errors.ts';
import { ExitCode } from '../contracts/exit-codes.ts';
import { readEnvOptions } from './config/read-env-options.ts';
import { startApp, type StartedApp } from './start-app.ts';

function stopOnSignals(app: StartedApp): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'stopping');
    app
      .stop()
      .then(
        () => ExitCode.OK,
        (error: unknown) => {
          app.logger.error({ err: error }, 'error while stopping');
          return ExitCode.LOGIC;
        },
      )
      .then((code) => {
        app.logger.info({ exit_code: code }, 'stopped');
        // Octokit and friends may keep timers alive; leave once the log is flushed.
        app.logger.flush(() => process.exit(code));
      });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

try {
  // Like Probot: a .env in the working directory (written by the setup flow) fills the env.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const app = await startApp(readEnvOptions(process.env));
  stopOnSignals(app);
} catch (error) {
  const koError = asKoError(error);
  process.stderr.write(`ko: ${koError.toUserMessage()}\n`);
  process.exitCode = koError.exitCode;
}
