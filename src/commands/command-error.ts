import type { KoCommand } from './parse-command.ts';

export type CommandErrorCode =
  | 'MISSING_COMMAND'
  | 'UNKNOWN_COMMAND'
  | 'UNKNOWN_OPTION'
  | 'CONFLICTING_OPTIONS'
  | 'UNEXPECTED_ARGUMENT'
  | 'INVALID_ARGUMENT'
  | 'MISSING_ARGUMENT'
  | 'UNCLOSED_CODE_BLOCK';

export interface CommandError {
  code: CommandErrorCode;
  /** What was wrong, in Markdown, quoting what the user typed. */
  message: string;
  /** What to type instead ("Did you mean `/ko merge`?") or where to look; never acted on. */
  suggestion: string;
}

export type Outcome = { command: KoCommand } | { error: CommandError };

/**
 * Quotes user input as inline code, shortened and without backticks, so a reply stays readable.
 *
 * @example code('/ko `x`'); // "`/ko 'x'`"
 */
export function code(text: string): string {
  const clean = text.replace(/`/g, "'");
  return `\`${clean.length > 60 ? `${clean.slice(0, 57)}...` : clean}\``;
}

/**
 * An Outcome that refuses the command.
 *
 * @example fail('UNKNOWN_COMMAND', '`/ko x` is not a KO command.', '`/ko help` lists the commands.');
 */
export function fail(
  code: CommandErrorCode,
  message: string,
  suggestion: string,
): { error: CommandError } {
  return { error: { code, message, suggestion } };
}
