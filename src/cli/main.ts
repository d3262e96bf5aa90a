import { Command, CommanderError } from 'commander';
import { asKoError } from '../../contracts/errors.ts';
import { ExitCode } from '../../contracts/exit-codes.ts';
import { readPackageVersion } from './read-package-version.ts';
import { registerRunnerTokenCommand } from './commands/runner-token.ts';
import { registerMaskCommand } from './commands/mask.ts';
import { registerGuardCommand } from './commands/guard.ts';
import { registerStoreCommands } from './commands/store.ts';
import { registerAuditCommands } from './commands/audit.ts';
import { registerTraceCommand } from './commands/trace.ts';
import { registerJobsCommands } from './commands/jobs.ts';

/** Builds the `ko` program. Each command module adds itself; main only wires. */
export function buildProgram(): Command {
  const program = new Command('ko')
    .description('kobong-orchestrator: a GitHub App and PowerShell 7 runner hub')
    .exitOverride()
    .showHelpAfterError();
  program
    .command('version')
    .description('print the version')
    .action(() => {
      process.stdout.write(`${readPackageVersion()}\n`);
    });
  registerRunnerTokenCommand(program);
  registerMaskCommand(program);
  registerGuardCommand(program);
  registerStoreCommands(program);
  registerAuditCommands(program);
  registerTraceCommand(program);
  registerJobsCommands(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version land here with exitCode 0; usage errors are PRECONDITION.
      process.exitCode = error.exitCode === 0 ? ExitCode.OK : ExitCode.PRECONDITION;
      return;
    }
    const koError = asKoError(error);
    process.stderr.write(`ko: ${koError.toUserMessage()}\n`);
    process.exitCode = koError.exitCode;
  }
}

await main(process.argv);
