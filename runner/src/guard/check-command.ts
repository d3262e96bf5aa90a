import { expandNested } from './expand-nested.ts';
import type { ParsedCommand } from './parsed-command.ts';
import { approvalBinding, parsedForm, sha256 } from './parsed-form.ts';
import { evaluatePolicy, type Finding, type VerdictClass } from './policy.ts';
import { parsePowerShell } from './ts-parser/parse-powershell.ts';

export interface GuardOptions {
  /** Repository root (absolute); paths must resolve inside it. */
  root: string;
  /** Whose path rules apply; defaults to the host's. */
  platform?: NodeJS.Platform;
  /** Resolve symlinks on disk; defaults to true when `platform` is the host's. */
  realpath?: boolean;
  /**
   * The job's working directory (absolute, inside the root): relative paths in the command start
   * here, as they will when it runs. Defaults to the root.
   */
  cwd?: string;
}

export type GuardEngine = 'ts' | 'pwsh' | 'both';

export interface GuardDecision {
  verdict: VerdictClass;
  rule: string;
  reason: string;
  findings: Finding[];
  engine: GuardEngine;
  parsed_form: string;
  parsed_form_sha256: string;
  raw_sha256: string;
  /** What an approval is bound to (see parsed-form.ts). */
  approval_binding_sha256: string;
}

/**
 * Parses with the TypeScript front end, nested shells included.
 *
 * @example parseCommandTs('cmd /c "rd /s /q x"').invocations.map((i) => i.name) // ['cmd', 'rd']
 */
export function parseCommandTs(text: string): ParsedCommand {
  return expandNested(parsePowerShell(text), {
    parsePowerShell: (nested, depth, via) => parsePowerShell(nested, depth, via),
  }).parsed;
}

/** Applies the policy to a parsed command and attaches the parsed form and hashes. */
export function decide(
  text: string,
  parsed: ParsedCommand,
  options: GuardOptions,
  engine: GuardEngine,
  form = parsedForm(parsed),
): GuardDecision {
  const platform = options.platform ?? process.platform;
  const verdict = evaluatePolicy(parsed, {
    root: options.root,
    platform,
    realpath: options.realpath ?? platform === process.platform,
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
  });
  return {
    ...verdict,
    engine,
    parsed_form: form,
    parsed_form_sha256: sha256(form),
    raw_sha256: sha256(text),
    approval_binding_sha256: approvalBinding(form, text),
  };
}

/**
 * The guard with the TypeScript front end (the app's pre-check; the runner adds PowerShell's
 * own parser, see check-command-pwsh.ts).
 *
 * @example checkCommand('Remove-Item -Recurse C:\\', { root: 'C:\\repo', platform: 'win32' }).verdict // 'deny'
 */
export function checkCommand(text: string, options: GuardOptions): GuardDecision {
  return decide(text, parseCommandTs(text), options, 'ts');
}
