import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { PreconditionError, TransientError } from '../../../../contracts/errors.ts';
import { BUILTIN_ALIASES } from '../aliases.ts';
import { canonicalCommandName } from '../canonical-name.ts';
import { classifyAssignment } from '../classify-assignment.ts';
import type {
  ArgValue,
  BoundParameter,
  DotnetCall,
  DynamicConstruct,
  Invocation,
  InvokedVia,
  ParsedCommand,
  Redirection,
} from '../parsed-command.ts';
import { cmdletParameters, resolveParameter } from '../ts-parser/cmdlet-table.ts';

const SCRIPT = fileURLToPath(new URL('./parse-command.ps1', import.meta.url));

export interface PwshParserOptions {
  /** The pwsh executable; defaults to $KO_PWSH, then `pwsh` on PATH. */
  pwshPath?: string;
  /** Kill pwsh after this long; defaults to 120 s (a cold start on a busy machine is slow). */
  timeoutMs?: number;
}

export interface PwshParseRequest {
  text: string;
  depth: number;
  via: InvokedVia;
}

interface PsInvocation {
  rawName: string;
  resolvedName: string;
  commandType: string | null;
  staticName: boolean;
  parameters: BoundParameter[];
  positional: ArgValue[];
  argv: string[];
  invokedVia: InvokedVia;
  depth: number;
}

interface PsParsed {
  invocations: PsInvocation[];
  redirections: Redirection[];
  dotnetCalls: DotnetCall[];
  dynamic: DynamicConstruct[];
  parseErrors: string[];
  assignments: string[];
}

/** Maps what parse-command.ps1 printed onto the shared ParsedCommand (names canonical as in TS). */
function toInvocation(ps: PsInvocation): Invocation {
  const fromRaw = canonicalCommandName(ps.rawName);
  const resolvedElsewhere = ps.resolvedName !== ps.rawName && ps.staticName;
  const name = !ps.staticName
    ? '<dynamic>'
    : resolvedElsewhere
      ? canonicalCommandName(ps.resolvedName).name
      : fromRaw.name;
  const meta = cmdletParameters(name);
  const parameters = ps.parameters.map((p) => {
    if (p.resolution !== 'ambiguous' || !meta) return p;
    return { ...p, name: resolveParameter(meta, p.rawName).meta?.name ?? p.name };
  });
  const invocation: Invocation = {
    name,
    rawName: ps.rawName,
    knownCmdlet: ps.commandType === 'Cmdlet' || ps.commandType === 'Function' || meta !== undefined,
    staticName: ps.staticName,
    parameters,
    positional: ps.positional,
    argv: ps.argv,
    invokedVia: ps.invokedVia,
    depth: ps.depth,
  };
  const alias =
    fromRaw.alias ??
    (resolvedElsewhere && !fromRaw.qualified ? ps.rawName.toLowerCase() : undefined);
  if (alias !== undefined) invocation.alias = alias;
  if (fromRaw.qualifier !== undefined) invocation.qualifier = fromRaw.qualifier;
  return invocation;
}

/**
 * Parses commands with PowerShell's own parser and StaticParameterBinder, all in ONE pwsh
 * process (pwsh starts slowly). Nested shells are not expanded here (see check-command-pwsh.ts).
 *
 * @example const [parsed] = await parseWithPwsh([{ text: 'rm -r x', depth: 0, via: 'direct' }]);
 */
export async function parseWithPwsh(
  requests: PwshParseRequest[],
  options: PwshParserOptions = {},
): Promise<ParsedCommand[]> {
  if (requests.length === 0) return [];
  const pwsh = options.pwshPath ?? process.env.KO_PWSH ?? 'pwsh';
  const input = JSON.stringify({ commands: requests, aliases: BUILTIN_ALIASES });
  let stdout: string;
  try {
    const result = await execa(
      pwsh,
      ['-NoLogo', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', SCRIPT],
      {
        input,
        timeout: options.timeoutMs ?? 120_000,
        stripFinalNewline: true,
      },
    );
    stdout = result.stdout;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') {
      throw new PreconditionError('GUARD_PWSH_MISSING', `PowerShell 7 was not found at '${pwsh}'`, {
        hint: 'install PowerShell 7, put pwsh on PATH, or set KO_PWSH (tests: bash pwsh-host/build.sh)',
        cause: error,
      });
    }
    throw new TransientError(
      'GUARD_PWSH_FAILED',
      `the PowerShell parser failed: ${(error as Error).message.slice(0, 500)}`,
      {
        hint: 'check that pwsh starts (pwsh -NoProfile -Command 1) and retry',
        cause: error,
      },
    );
  }
  const parsed = JSON.parse(stdout) as PsParsed[];
  return parsed.map((p) => ({
    invocations: p.invocations.map(toInvocation),
    redirections: p.redirections,
    dotnetCalls: p.dotnetCalls,
    dynamic: [...p.dynamic, ...p.assignments.flatMap((lhs) => classifyAssignment(lhs) ?? [])],
    parseErrors: p.parseErrors,
  }));
}
