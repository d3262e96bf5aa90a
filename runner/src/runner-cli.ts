import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { GuardEngine } from './guard-port.ts';

/** The runner's settings after parsing and validation (flags, then env). */
interface RunnerCliOptions {
  server: string;
  token: string;
  root: string;
  dataDir: string;
  name: string | undefined;
  labels: string[];
  capabilities: string[];
  concurrency: number;
  apply: boolean;
  pwsh: string | undefined;
  /** Extra environment variable names passed from the runner to jobs (never KO_* or secrets). */
  passEnv: string[];
  guardEngine: GuardEngine;
  logLevel: string;
  backoffBaseMs: number;
  backoffMaxMs: number;
  resultRetryMs: number;
  startRetryBaseMs: number;
}

function positiveInt(value: string): number {
  const n = Number.parseInt(value, 10);
  if (!Number.isInteger(n) || n < 1 || String(n) !== value.trim())
    throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/**
 * The `ko-runner` command line. `--token` may come from KO_RUNNER_TOKEN instead, which keeps it
 * out of the process list.
 *
 * @example const options = parseRunnerCli(['node', 'ko-runner', '--server', 'ws://h/ko/v1/runners', '--root', '.']);
 */
export function parseRunnerCli(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): RunnerCliOptions {
  const program = new Command('ko-runner')
    .description(
      'kobong-orchestrator runner: dials out to the hub and runs PowerShell 7 jobs inside --root',
    )
    .requiredOption(
      '--server <url>',
      'hub runner endpoint, e.g. wss://ko.example.com/ko/v1/runners',
      env['KO_RUNNER_SERVER'],
    )
    .option('--token <token>', 'runner token (kor_…); default: KO_RUNNER_TOKEN')
    .requiredOption(
      '--root <dir>',
      'repository root; jobs run inside it and nowhere else',
      env['KO_RUNNER_ROOT'],
    )
    .option(
      '--data-dir <dir>',
      'runner-owned folder for the spool and job scripts',
      env['KO_RUNNER_DATA_DIR'],
    )
    .option('--name <name>', 'runner name shown in the hub (default: host name)')
    .option('--labels <list>', 'comma-separated labels, e.g. windows,ps7', list, [])
    .option('--capabilities <list>', 'extra capabilities, e.g. git,dotnet', list, [])
    .addOption(
      new Option(
        '--guard-engine <engine>',
        "parsers the guard uses: both (PowerShell's own parser too; stricter verdict wins) or ts",
      )
        .choices(['both', 'ts'])
        .default('both'),
    )
    .option(
      '--pass-env <list>',
      'extra environment variable names jobs may see (KO_* and secret-like names never pass)',
      list,
      [],
    )
    .option('--concurrency <n>', 'jobs at once', positiveInt, 1)
    .option(
      '--apply',
      'really run jobs that ask to apply (without it every job is a dry run)',
      false,
    )
    .option(
      '--pwsh <path>',
      'PowerShell 7 executable (default: KO_PWSH, pwsh on PATH, the project engine)',
    )
    .option('--log-level <level>', 'trace|debug|info|warn|error', env['KO_LOG_LEVEL'] ?? 'info')
    .option('--backoff-base-ms <ms>', 'first reconnect delay', positiveInt, 1_000)
    .option('--backoff-max-ms <ms>', 'largest reconnect delay', positiveInt, 60_000)
    .option(
      '--result-retry-ms <ms>',
      'first re-send of an unacknowledged result',
      positiveInt,
      10_000,
    )
    .option(
      '--start-retry-base-ms <ms>',
      'first delay between retries of a job that failed to start',
      positiveInt,
      1_000,
    )
    .exitOverride();
  program.parse(argv);
  const o = program.opts<{
    server: string;
    token?: string;
    root: string;
    dataDir?: string;
    name?: string;
    labels: string[];
    capabilities: string[];
    concurrency: number;
    apply: boolean;
    pwsh?: string;
    passEnv: string[];
    guardEngine: GuardEngine;
    logLevel: string;
    backoffBaseMs: number;
    backoffMaxMs: number;
    resultRetryMs: number;
    startRetryBaseMs: number;
  }>();
  const token = o.token ?? env['KO_RUNNER_TOKEN'];
  if (!token)
    throw new InvalidArgumentError(
      'no runner token: pass --token or set KO_RUNNER_TOKEN (create one with `ko runner token create`)',
    );
  const root = resolve(o.root);
  return {
    server: o.server,
    token,
    root,
    dataDir: resolve(o.dataDir ?? join(homedir(), '.ko-runner')),
    name: o.name,
    labels: o.labels,
    capabilities: o.capabilities,
    concurrency: o.concurrency,
    apply: o.apply,
    pwsh: o.pwsh,
    passEnv: o.passEnv,
    guardEngine: o.guardEngine,
    logLevel: o.logLevel,
    backoffBaseMs: o.backoffBaseMs,
    backoffMaxMs: o.backoffMaxMs,
    resultRetryMs: o.resultRetryMs,
    startRetryBaseMs: o.startRetryBaseMs,
  };
}
