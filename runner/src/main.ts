// ko-runner: wiring only (parse flags, build the daemon, handle signals). Logic lives in runner-daemon.ts.
import { CommanderError } from 'commander';
import { execa } from 'execa';
import { asKoError } from '../../contracts/errors.ts';
import { ExitCode } from '../../contracts/exit-codes.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { executeJob } from './executor/execute-job.ts';
import { createGuardPort } from './guard-port.ts';
import { findPwsh } from './pwsh/find-pwsh.ts';
import { parseRunnerCli } from './runner-cli.ts';
import { RunnerDaemon } from './runner-daemon.ts';
import { createSandboxPort } from './sandbox-port.ts';
import { createOutputMasking } from './output-masking.ts';
import { installSignalHandlers } from './signals.ts';

async function pwshVersion(path: string): Promise<string> {
  const run = await execa(
    path,
    [
      '-NoLogo',
      '-NoProfile',
      '-NonInteractive',
      '-Command',
      '$PSVersionTable.PSVersion.ToString()',
    ],
    {
      reject: false,
      timeout: 30_000,
      stdin: 'ignore',
    },
  );
  const version = String(run.stdout).trim();
  return run.exitCode === 0 && /^[0-9][0-9A-Za-z.+-]{0,63}$/.test(version) ? version : 'unknown';
}

async function main(argv: string[]): Promise<void> {
  const options = parseRunnerCli(argv);
  // Jobs inherit the runner's environment: they must not be able to read its token.
  delete process.env['KO_RUNNER_TOKEN'];
  const logger = createLogger({
    service: 'ko-runner',
    level: options.logLevel as 'info',
    secrets: [options.token],
  });
  const pwsh = findPwsh(options.pwsh ? { explicit: options.pwsh } : {});
  const shellVersion = await pwshVersion(pwsh.path);
  logger.info(
    {
      pwsh: pwsh.path,
      source: pwsh.source,
      version: shellVersion,
      root: options.root,
      apply: options.apply,
    },
    'ko-runner starting',
  );
  const daemon = new RunnerDaemon({
    server: options.server,
    token: options.token,
    root: options.root,
    dataDir: options.dataDir,
    ...(options.name ? { name: options.name } : {}),
    labels: options.labels,
    capabilities: options.capabilities,
    concurrency: options.concurrency,
    apply: options.apply,
    pwshPath: pwsh.path,
    passEnv: options.passEnv,
    shellVersion,
    execute: executeJob,
    guard: createGuardPort({ engine: options.guardEngine, pwshPath: pwsh.path }),
    sandbox: createSandboxPort(),
    transformText: createOutputMasking([
      options.token,
      ...(process.env['KO_RUNNER_MASK'] ?? '').split(','),
    ]),
    logger,
    backoffBaseMs: options.backoffBaseMs,
    backoffMaxMs: options.backoffMaxMs,
    resultRetryMs: options.resultRetryMs,
    startRetryBaseMs: options.startRetryBaseMs,
  });
  installSignalHandlers(daemon, logger);
  daemon.start();
}

try {
  await main(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? ExitCode.OK : ExitCode.PRECONDITION;
  } else {
    const koError = asKoError(error);
    process.stderr.write(`ko-runner: ${koError.toUserMessage()}\n`);
    process.exitCode = koError.exitCode;
  }
}
