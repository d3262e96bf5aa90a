import type { CommandError, ParseResult } from './parse-command.ts';

/**
 * The reply to a refused command: what was wrong, then the suggestion, never acted on.
 *
 * @example formatCommandError({ code: 'UNKNOWN_COMMAND', message: '`/ko mrege` is not a KO command.', suggestion: 'Did you mean `/ko merge`?' });
 */
export function formatCommandError(error: CommandError): string {
  return `${error.message}\n\n${error.suggestion}`;
}

/**
 * The note for a comment with several `/ko` lines (one command per comment), or undefined.
 *
 * @example ignoredLinesNote(parseCommand('/ko plan\n/ko merge')!); // 'Only the first `/ko` line (line 1) was read; line 2 was ignored: one command per comment.'
 */
export function ignoredLinesNote(result: ParseResult): string | undefined {
  const ignored = result.ignoredLines;
  if (ignored.length === 0) return undefined;
  const list =
    ignored.length === 1
      ? `line ${ignored[0]} was`
      : `lines ${ignored.slice(0, -1).join(', ')} and ${ignored.at(-1)} were`;
  return `Only the first \`/ko\` line (line ${result.line}) was read; ${list} ignored: one command per comment.`;
}
