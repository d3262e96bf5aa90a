import { checkCommand } from './guard/check-command.ts';
import { checkCommandStrict } from './guard/check-command-pwsh.ts';
import type { GuardDecision, GuardPort } from './runner-ports.ts';

/** `both`: PowerShell's own parser and the TypeScript one, stricter verdict wins (the default). */
export type GuardEngine = 'both' | 'ts';

export interface GuardPortOptions {
  engine: GuardEngine;
  /** The pwsh that parses commands when engine is `both`. */
  pwshPath?: string;
}

function toPortDecision(decision: ReturnType<typeof checkCommand>): GuardDecision {
  return {
    verdict: decision.verdict,
    rule: decision.rule,
    reason: decision.reason,
    engine: decision.engine,
    parsedFormSha256: decision.parsed_form_sha256,
    approvalBindingSha256: decision.approval_binding_sha256,
  };
}

/**
 * The runner's own guard check (runner/src/guard), run before every job whatever the app
 * decided. Parsing happens on this host, against this --root. With engine `both` the command is
 * also parsed by PowerShell's own parser through the real engine (one pwsh process per check);
 * a TypeScript `deny` is final already and skips that cost, since the stricter verdict wins.
 *
 * @example const decision = await createGuardPort({ engine: 'both', pwshPath })('Get-ChildItem', { root, cwd });
 */
export function createGuardPort(options: GuardPortOptions = { engine: 'both' }): GuardPort {
  return async (command, { root, cwd }) => {
    // Relative paths are judged from the job's working directory, where they will resolve.
    const quick = checkCommand(command, { root, cwd });
    if (options.engine === 'ts' || quick.verdict === 'deny') return toPortDecision(quick);
    const strict = await checkCommandStrict(command, {
      root,
      cwd,
      ...(options.pwshPath ? { pwshPath: options.pwshPath } : {}),
    });
    return toPortDecision(strict);
  };
}
