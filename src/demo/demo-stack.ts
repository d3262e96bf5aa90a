import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { PreconditionError } from '../../contracts/errors.ts';
import { startGitHubSandbox, type GitHubSandbox } from '../sandbox/index.ts';
import type { StartedApp } from '../start-app.ts';
import { createLogger } from '../telemetry/logger.ts';
import { startAppOnSandbox } from './start-app-on-sandbox.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DEMO_REPO = { owner: 'demo', repo: 'app' } as const;
const DEMO_RUNNER_LABEL = 'demo';
const SECRET = 'ko-demo-webhook-secret';

/** The demo repository's `.github/ko.yml`: apply, checks required, synthetic auto-approved. */
const DEMO_CONFIG = stringify({
  mode: 'apply',
  approval: { required: true, auto_approve_synthetic: true, expiry_minutes: 60 },
  checks: { required: ['build'], timeout_minutes: 5 },
  exec: { allowed_runner_labels: [DEMO_RUNNER_LABEL] },
});

export interface DemoStack {
  sandbox: GitHubSandbox;
  app: StartedApp;
  runner: ChildProcess;
  dir: string;
  logFile: string;
  stop(): Promise<void>;
}

/** pwsh on PATH, else the test PowerShell host (pwsh-host/out/pwsh). */
function findPwsh(): string {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, 'pwsh'))) return join(dir, 'pwsh');
  }
  const host = join(REPO_ROOT, 'pwsh-host/out/pwsh');
  if (existsSync(host)) return host;
  throw new PreconditionError(
    'PWSH_MISSING',
    'no PowerShell 7 found (pwsh on PATH or pwsh-host/out/pwsh)',
    {
      hint: 'install PowerShell 7 or build the test host with `bash pwsh-host/build.sh`',
    },
  );
}

async function waitFor(probe: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end)
      throw new PreconditionError('DEMO_TIMEOUT', `${what} did not happen within ${timeoutMs} ms`, {
        hint: 'see the app log file',
      });
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts the GitHub stand-in, the KO app pointed at it (GHE_HOST), and a local ko-runner with
 * PowerShell 7, in a fresh temp folder. App logs go to `<dir>/app.log`.
 *
 * @example const stack = await startDemoStack(); await stack.stop();
 */
export async function startDemoStack(): Promise<DemoStack> {
  const dir = mkdtempSync(join(tmpdir(), 'ko-demo-'));
  const logFile = join(dir, 'app.log');
  const sandbox = await startGitHubSandbox({ appId: 1, webhookSecret: SECRET });
  const logger = createLogger({
    service: 'ko-app',
    level: 'debug',
    primary: createWriteStream(logFile),
  });
  const app = await startAppOnSandbox({
    sandbox,
    dir,
    logger,
    env: { KO_DEMO: '1' },
    deps: { tickIntervalMs: 1_000, execWaitMs: 60_000 },
  });
  const fullName = `${DEMO_REPO.owner}/${DEMO_REPO.repo}`;
  sandbox.seedRepo({
    repo: fullName,
    files: { 'README.md': '# demo app\n', '.github/ko.yml': DEMO_CONFIG },
  });
  sandbox.setCi(fullName, { checks: [{ name: 'build', outcome: 'success', delayMs: 300 }] });
  sandbox.setPermission(fullName, 'dana', 'admin');

  const root = join(dir, 'runner-root');
  mkdirSync(root, { recursive: true });
  const hub = app.hub as NonNullable<StartedApp['hub']>;
  const { token } = await hub.tokens.create({ name: 'demo-runner', labels: [DEMO_RUNNER_LABEL] });
  const runnerLog = createWriteStream(join(dir, 'runner.log'));
  const runner = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'bin/ko-runner.js'),
      '--server',
      `ws://127.0.0.1:${app.port}/ko/v1/runners`,
      '--root',
      root,
      '--data-dir',
      join(dir, 'runner-data'),
      '--pwsh',
      findPwsh(),
    ],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KO_RUNNER_TOKEN: token },
    },
  );
  runner.stdout?.pipe(runnerLog);
  runner.stderr?.pipe(runnerLog);
  const exited = new Promise<void>((done) => runner.once('exit', () => done()));
  const stop = async (): Promise<void> => {
    if (runner.exitCode === null && runner.signalCode === null) runner.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000).unref())]);
    if (runner.exitCode === null && runner.signalCode === null) runner.kill('SIGKILL');
    await app.stop(2_000);
    await sandbox.stop();
  };
  try {
    await waitFor(() => hub.runners().length > 0, 60_000, 'the demo runner connecting');
  } catch (error) {
    await stop();
    throw error;
  }
  return { sandbox, app, runner, dir, logFile, stop };
}
