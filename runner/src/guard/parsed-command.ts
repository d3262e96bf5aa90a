/**
 * The normalized form of a command that both front ends (the TypeScript parser and PowerShell's
 * own parser) produce, and that the one policy judges.
 */

/** An argument value as the command would receive it, when it can be known statically. */
export interface ArgValue {
  /** The value after quote removal and escape processing (array items joined by ','). */
  text: string;
  /** The array items (`a,b` gives ['a', 'b']); one item for a scalar. */
  items: string[];
  /** False when the value depends on a variable, a subexpression or anything else at run time. */
  static: boolean;
}

export interface BoundParameter {
  /** Canonical full name, lower case, without the dash (`recurse`), when the command is known. */
  name: string;
  /** The parameter as written, without the dash (`Rec`, `r`). */
  rawName: string;
  /** The value, from `-Name:value` or the next argument; absent for a switch. */
  value?: ArgValue;
  /**
   * How the name was found: written in full or as an alias, as a unique prefix, as an ambiguous
   * prefix (PowerShell would refuse; the most dangerous reading is taken), not at all (a native
   * command, or a parameter the cmdlet does not have), or bound from a position.
   */
  resolution: 'exact' | 'prefix' | 'ambiguous' | 'unknown' | 'positional';
}

export type InvokedVia =
  | 'direct'
  | 'call-operator'
  | 'dot-source'
  | 'cmd /c'
  | 'bash -c'
  | 'powershell -Command'
  | 'powershell -EncodedCommand'
  | 'Start-Process'
  | 'Invoke-Command'
  | 'Invoke-Expression'
  | 'wsl'
  | 'scriptblock';

export interface Invocation {
  /** Canonical: lower case, escapes removed, module qualifier stripped, alias resolved. */
  name: string;
  /** The name as written (escape characters removed). */
  rawName: string;
  /** The alias that was resolved to `name` (`rm`), when there was one. */
  alias?: string;
  /** A module or directory the name was qualified with (`./tools` in `./tools/git`), lower case. */
  qualifier?: string;
  /** True when the guard has the parameter metadata of this command (a known cmdlet). */
  knownCmdlet: boolean;
  /** False when the command name itself is computed (`& $x`). */
  staticName: boolean;
  parameters: BoundParameter[];
  positional: ArgValue[];
  /** Every argument as text, in order, the way a native program would see it. */
  argv: string[];
  invokedVia: InvokedVia;
  /** 0 for a top-level command, +1 per nesting (cmd /c, scriptblock, -Command ...). */
  depth: number;
}

export interface Redirection {
  /** `>`, `>>`, `2>`, `*>`... */
  operator: string;
  target: ArgValue;
  append: boolean;
}

export interface DotnetCall {
  /** Canonical type name, lower case, without `System.` (`io.directory`); `<instance>` for `$x.M()`. */
  type: string;
  member: string;
}

export type DynamicKind =
  | 'call-variable'
  | 'invoke-expression'
  | 'scriptblock-create'
  | 'splatting'
  | 'alias-definition'
  | 'function-definition'
  | 'encoded-command'
  | 'dynamic-name'
  | 'unparsed-nested'
  | 'depth-limit'
  | 'environment-change'
  | 'member-assignment';

export interface DynamicConstruct {
  kind: DynamicKind;
  text: string;
}

export interface ParsedCommand {
  invocations: Invocation[];
  redirections: Redirection[];
  dotnetCalls: DotnetCall[];
  dynamic: DynamicConstruct[];
  parseErrors: string[];
}

/** An empty ParsedCommand to fill. */
export function emptyParsedCommand(): ParsedCommand {
  return { invocations: [], redirections: [], dotnetCalls: [], dynamic: [], parseErrors: [] };
}

/** Appends everything in `from` to `into` (used when nested commands are parsed). */
export function mergeParsedCommand(into: ParsedCommand, from: ParsedCommand): void {
  into.invocations.push(...from.invocations);
  into.redirections.push(...from.redirections);
  into.dotnetCalls.push(...from.dotnetCalls);
  into.dynamic.push(...from.dynamic);
  into.parseErrors.push(...from.parseErrors);
}
