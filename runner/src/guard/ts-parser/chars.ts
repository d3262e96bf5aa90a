/**
 * Character classes as PowerShell's tokenizer sees them. PowerShell accepts typographic dashes
 * and quotes wherever it accepts the ASCII ones, so an obfuscated command can use them.
 */

/** '-', en dash, em dash, horizontal bar. */
export function isDash(c: string | undefined): boolean {
  return c === '-' || c === '\u2013' || c === '\u2014' || c === '\u2015';
}

export function isSingleQuote(c: string | undefined): boolean {
  return c === "'" || c === '\u2018' || c === '\u2019' || c === '\u201a' || c === '\u201b';
}

export function isDoubleQuote(c: string | undefined): boolean {
  return c === '"' || c === '\u201c' || c === '\u201d' || c === '\u201e';
}

export function isNewline(c: string | undefined): boolean {
  return c === '\n' || c === '\r';
}

/** Whitespace that separates tokens on one line (Unicode spaces included, newlines excluded). */
export function isBlank(c: string | undefined): boolean {
  return c !== undefined && !isNewline(c) && /\s/u.test(c);
}

export function isIdentifierChar(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}\p{Nd}_]/u.test(c);
}

/** Characters that end a bare word in command mode. */
export function endsGenericToken(c: string | undefined): boolean {
  return (
    c === undefined ||
    isBlank(c) ||
    isNewline(c) ||
    c === ';' ||
    c === '|' ||
    c === '&' ||
    c === '(' ||
    c === ')' ||
    c === '{' ||
    c === '}' ||
    c === ',' ||
    c === '>' ||
    c === '<'
  );
}

const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/**
 * The character a backtick escape stands for (PowerShell 7: `e is ESC, so `` R`e`move-Item ``
 * is not Remove-Item).
 *
 * @example backtickEscape('n') // '\n'
 */
export function backtickEscape(c: string): string {
  return ESCAPES[c] ?? c;
}
