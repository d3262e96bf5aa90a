/** A CommonMark fenced code block opener: ``` or ~~~ (3 or more), optional info string. */
export interface Fence {
  char: '`' | '~';
  length: number;
  /** The info string, trimmed (e.g. `powershell`); '' when none. */
  info: string;
}

const OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const CLOSE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;

/**
 * The fence a line opens, or undefined. A backtick fence's info string may not contain a
 * backtick (https://spec.commonmark.org/0.31.2/#fenced-code-blocks), so "```a`b" is not a fence.
 *
 * @example parseFenceOpen('```powershell'); // { char: '`', length: 3, info: 'powershell' }
 */
export function parseFenceOpen(line: string): Fence | undefined {
  const match = OPEN.exec(line);
  if (!match) return undefined;
  const marks = match[1] as string;
  const rest = match[2] as string;
  const char = marks[0] as '`' | '~';
  if (char === '`' && rest.includes('`')) return undefined;
  return { char, length: marks.length, info: rest.trim() };
}

/**
 * True when `line` closes `open`: the same character, at least as many, nothing but spaces after.
 *
 * @example closesFence('````', { char: '`', length: 3, info: '' }); // true
 */
export function closesFence(line: string, open: Fence): boolean {
  const match = CLOSE.exec(line);
  if (!match) return false;
  const marks = match[1] as string;
  return marks[0] === open.char && marks.length >= open.length;
}

/**
 * The text of a fence line: the opener with its info string, or (with `closing`) the bare closer.
 *
 * @example fenceText({ char: '~', length: 4, info: 'ps1' }); // '~~~~ps1'
 */
export function fenceText(fence: Fence, closing = false): string {
  const marks = fence.char.repeat(fence.length);
  return closing || fence.info === '' ? marks : `${marks}${fence.info}`;
}
