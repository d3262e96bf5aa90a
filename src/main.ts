// `npm start`: wiring only. Everything called here is importable by tests (start-app.ts).
import { existsSync } from 'node:fs';
import { asKoError } from '../contracts/errors.ts';
import { trapStopSignals } from './stop-on-signals.ts';

// Trap stop signals before loading the app (seconds under tsx on a busy host): a SIGTERM while
// starting must wait for the app and stop it cleanly, not kill the process half-way.
const signals = trapStopSignals();
try {
  const { readEnvOptions } = await import('./config/read-env-options.ts');
  const { startApp } = await import('./start-app.ts');
  // Like Probot: a .env in the working directory (written by the setup flow) fills the env.
  if (existsSync('.env')) process.loadEnvFile('.env');
  signals.attach(await startApp(readEnvOptions(process.env)));
} catch (error) {
  const koError = asKoError(error);
  process.stderr.write(`ko: ${koError.toUserMessage()}\n`);
  // Exit now: a start that failed after listening would otherwise leave a half-started app
  // serving /livez with no stop handlers, until a SIGTERM kills it (exit code null).
  process.exit(koError.exitCode);
}
