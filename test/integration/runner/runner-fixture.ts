// Starts the real ko-runner as a child process (node bin/ko-runner.js) against a test hub.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const PWSH = join(REPO_ROOT, 'pwsh-host/out/pwsh');

/** Tests that need PowerShell 7 fail loudly without it; they never skip. */
export function requirePwsh(): string {
  if (!existsSync(PWSH))
    throw new Error(`PowerShell 7 test engine missing at ${PWSH}: run \`bash pwsh-host/build.sh\``);
  return PWSH;
}

export interface RunnerProcess {
  child: ChildProcess;
  logs: () => string;
  exited: Promise<number | null>;
  stop: () => Promise<void>;
}

export function spawnRunner(args: {
  url: string;
  token: string;
  root: string;
  dataDir: string;
  extra?: string[];
}): RunnerProcess {
  let logs = '';
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'bin/ko-runner.js'),
      '--server',
      args.url,
      '--root',
      args.root,
      '--data-dir',
      args.dataDir,
      '--pwsh',
      requirePwsh(),
      '--backoff-base-ms',
      '100',
      '--backoff-max-ms',
      '1000',
      '--result-retry-ms',
      '1000',
      '--log-level',
      'debug',
      // The PowerShell-parser guard costs one pwsh start per job; these lifecycle tests use the
      // TypeScript front end unless they pass --guard-engine both (runner-guard-engine.test.ts).
      '--guard-engine',
      'ts',
      ...(args.extra ?? []),
    ],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KO_RUNNER_TOKEN: args.token },
    },
  );
  child.stdout?.on('data', (d: Buffer) => (logs += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (logs += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return {
    child,
    logs: () => logs,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
