import { backtickEscape, isBlank, isNewline, isSingleQuote, isDoubleQuote } from './chars.ts';

/** A cursor over the command text with the low-level reads the parser needs. */
export class Scanner {
  pos = 0;
  /** Unterminated comments and strings, reported by the parser as parse errors. */
  readonly errors: string[] = [];
  constructor(readonly text: string) {}

  peek(offset = 0): string | undefined {
    return this.text[this.pos + offset];
  }

  next(): string | undefined {
    const c = this.text[this.pos];
    this.pos += 1;
    return c;
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }

  /** Skips blanks, line continuations (backtick + newline) and comments; stops at a newline. */
  skipBlanks(): void {
    for (;;) {
      const c = this.peek();
      if (isBlank(c)) {
        this.pos += 1;
      } else if (c === '`' && isNewline(this.peek(1))) {
        this.pos += 2;
        if (this.peek(-1) === '\r' && this.peek() === '\n') this.pos += 1;
      } else if (c === '<' && this.peek(1) === '#') {
        const end = this.text.indexOf('#>', this.pos + 2);
        if (end < 0) this.errors.push(`missing '#>' for the comment at offset ${this.pos}`);
        this.pos = end < 0 ? this.text.length : end + 2;
      } else if (c === '#') {
        while (!this.atEnd() && !isNewline(this.peek())) this.pos += 1;
      } else {
        return;
      }
    }
  }

  /** Skips blanks, comments and newlines. */
  skipBlanksAndNewlines(): void {
    for (;;) {
      this.skipBlanks();
      if (isNewline(this.peek())) this.pos += 1;
      else return;
    }
  }

  /** Reads a backtick escape at the cursor (cursor on the backtick). */
  readEscape(): string {
    this.pos += 1;
    const c = this.next();
    if (c === undefined) {
      this.errors.push('a backtick at the end of the text escapes nothing');
      return '';
    }
    if (c === 'u' && this.peek() === '{') {
      const end = this.text.indexOf('}', this.pos);
      const hex = end < 0 ? '' : this.text.slice(this.pos + 1, end);
      if (/^[0-9a-fA-F]{1,6}$/.test(hex)) {
        this.pos = end + 1;
        return String.fromCodePoint(Number.parseInt(hex, 16));
      }
    }
    return backtickEscape(c);
  }

  /** Reads a single-quoted string (cursor on the opening quote); doubled quotes are literal. */
  readSingleQuoted(): string {
    const start = this.pos;
    this.pos += 1;
    let value = '';
    while (!this.atEnd()) {
      const c = this.next() as string;
      if (isSingleQuote(c)) {
        if (isSingleQuote(this.peek())) {
          value += this.next();
          continue;
        }
        return value;
      }
      value += c;
    }
    this.errors.push(`missing closing quote for the string at offset ${start}`);
    return value;
  }

  /** True when the cursor is on `@'` or `@"` followed by a line end (a here-string opener). */
  atHereString(): boolean {
    if (this.peek() !== '@') return false;
    const q = this.peek(1);
    if (!isSingleQuote(q) && !isDoubleQuote(q)) return false;
    let i = this.pos + 2;
    while (isBlank(this.text[i])) i += 1;
    return isNewline(this.text[i]);
  }

  /**
   * Reads a here-string's body (cursor on `@`); returns the raw body and whether it expands.
   * The body ends at a line that starts with the closing quote followed by `@`.
   */
  readHereString(): { body: string; expandable: boolean } {
    const expandable = isDoubleQuote(this.peek(1));
    this.pos += 2;
    while (!isNewline(this.peek()) && !this.atEnd()) this.pos += 1;
    if (this.peek() === '\r') this.pos += 1;
    if (this.peek() === '\n') this.pos += 1;
    const start = this.pos;
    let i = start;
    for (;;) {
      if (i >= this.text.length) {
        this.errors.push(`missing the end of the here-string that starts at offset ${start}`);
        this.pos = this.text.length;
        return { body: this.text.slice(start), expandable };
      }
      const c = this.text[i];
      const closes = expandable ? isDoubleQuote(c) : isSingleQuote(c);
      if (closes && this.text[i + 1] === '@' && (i === start || isNewline(this.text[i - 1]))) {
        let end = i;
        if (end > start && this.text[end - 1] === '\n') end -= 1;
        if (end > start && this.text[end - 1] === '\r') end -= 1;
        this.pos = i + 2;
        return { body: this.text.slice(start, end), expandable };
      }
      i += 1;
    }
  }
}
