import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { PreconditionError } from '../../../contracts/errors.ts';
import {
  checkCommand,
  type GuardDecision,
  type GuardOptions,
} from '../../../runner/src/guard/check-command.ts';
import {
  checkCommandsPwsh,
  checkCommandStrict,
} from '../../../runner/src/guard/check-command-pwsh.ts';
import { resolveInsideRoot } from '../../../runner/src/sandbox/resolve-inside-root.ts';

interface GuardCheckOptions {
  json?: boolean;
  root: string;
  engine: string;
  platform?: string;
  pwsh?: string;
  cwd?: string;
}

const ENGINES = ['ts', 'pwsh', 'both'] as const;
const PLATFORMS = ['win32', 'linux', 'darwin'] as const;

async function readStdin(): Promise<string> {
  process.stdin.setEncoding('utf8');
  let text = '';
  for await (const piece of process.stdin as AsyncIterable<string>) text += piece;
  return text.replace(/\r?\n$/, '');
}

function assertOneOf<T extends string>(
  value: string,
  allowed: readonly T[],
  flag: string,
): asserts value is T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new PreconditionError(
      'GUARD_BAD_OPTION',
      `${flag} must be one of ${allowed.join(', ')}, not '${value}'`,
      {
        hint: `run ko guard check --help`,
      },
    );
  }
}

/**
 * The guard's verdict on one command, from the chosen front end(s).
 *
 * @example await runGuardCheck('rm -r x', { root: '/repo', engine: 'ts' }) // { verdict: 'deny', rule: 'recursive-delete', ... }
 */
async function runGuardCheck(text: string, options: GuardCheckOptions): Promise<GuardDecision> {
  assertOneOf(options.engine, ENGINES, '--engine');
  const guardOptions: GuardOptions & { pwshPath?: string } = { root: path.resolve(options.root) };
  if (options.platform !== undefined) {
    assertOneOf(options.platform, PLATFORMS, '--platform');
    guardOptions.platform = options.platform;
    // A Windows root named on another host (`--root C:\repo`) is kept as written.
    if (options.platform === 'win32') guardOptions.root = path.win32.resolve(options.root);
  }
  if (options.pwsh !== undefined) guardOptions.pwshPath = options.pwsh;
  if (options.cwd !== undefined) guardOptions.cwd = jobCwd(guardOptions, options.cwd);
  if (options.engine === 'ts') return checkCommand(text, guardOptions);
  if (options.engine === 'pwsh')
    return (await checkCommandsPwsh([text], guardOptions))[0] as GuardDecision;
  return checkCommandStrict(text, guardOptions);
}

/** The job's working directory, resolved inside the root the way the runner's sandbox does. */
function jobCwd(guardOptions: GuardOptions, cwd: string): string {
  const platform = guardOptions.platform ?? process.platform;
  const verdict = resolveInsideRoot(guardOptions.root, cwd, { platform });
  const onDisk = platform === process.platform;
  if (!verdict.inside || (onDisk && !existsSync(verdict.resolved))) {
    throw new PreconditionError(
      'GUARD_BAD_CWD',
      `--cwd ${cwd} is not a folder inside the root ${guardOptions.root}${verdict.inside ? '' : `: ${verdict.reason}`}`,
      { hint: 'give the job working_dir: a folder inside --root, relative to it or absolute' },
    );
  }
  return verdict.resolved;
}

function formatHuman(decision: GuardDecision): string {
  const lines = [`${decision.verdict.toUpperCase()}  ${decision.rule}: ${decision.reason}`];
  for (const finding of decision.findings.slice(1))
    lines.push(`  also ${finding.verdict} ${finding.rule}: ${finding.reason}`);
  lines.push(`engine ${decision.engine}, parsed form sha256 ${decision.parsed_form_sha256}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Adds `ko guard check [--json] [--root DIR] [--engine ts|pwsh|both] -- "<command>"`. Exit 0
 * whenever the check ran (the verdict is in the output); 10 for a usage error or a missing
 * pwsh; see docs/guard.md.
 *
 * @example registerGuardCommand(program); // ko guard check --json -- "rm -rf /"
 */
export function registerGuardCommand(program: Command): void {
  const guard = program.command('guard').description('the command guard (allow / approval / deny)');
  guard
    .command('check')
    .description('judge a command as the runner would; the command comes after -- or on stdin')
    .argument('[command...]', 'the command text (quote it, or pass words after --)')
    .option('--json', 'print {verdict, rule, reason, ...} as JSON')
    .option('--root <dir>', 'repository root that paths must stay inside', process.cwd())
    .option(
      '--engine <engine>',
      'front end: ts (TypeScript), pwsh (PowerShell parser), both (stricter wins)',
      'ts',
    )
    .option('--platform <os>', 'path rules to apply: win32, linux or darwin (default: this host)')
    .option(
      '--cwd <dir>',
      "the job's working_dir (inside --root): relative paths in the command start there",
    )
    .option(
      '--pwsh <path>',
      'pwsh executable for --engine pwsh/both (default: $KO_PWSH, then pwsh on PATH)',
    )
    .action(async (words: string[], options: GuardCheckOptions) => {
      const text = words.length > 0 ? words.join(' ') : await readStdin();
      if (text.trim() === '') {
        throw new PreconditionError('GUARD_NO_COMMAND', 'no command to check', {
          hint: 'pass it after --, e.g. ko guard check --json -- "Remove-Item -Recurse x"',
        });
      }
      const decision = await runGuardCheck(text, options);
      if (options.json) {
        const {
          verdict,
          rule,
          reason,
          engine,
          findings,
          parsed_form,
          parsed_form_sha256,
          raw_sha256,
          approval_binding_sha256,
        } = decision;
        const out = {
          verdict,
          rule,
          reason,
          engine,
          parsed_form_sha256,
          raw_sha256,
          approval_binding_sha256,
          parsed_form: JSON.parse(parsed_form) as unknown,
          findings,
        };
        process.stdout.write(`${JSON.stringify(out)}\n`);
      } else {
        process.stdout.write(formatHuman(decision));
      }
    });
}
