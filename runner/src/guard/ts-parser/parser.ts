import type { ArgValue, InvokedVia, ParsedCommand } from '../parsed-command.ts';
import {
  endsGenericToken,
  isBlank,
  isDash,
  isDoubleQuote,
  isIdentifierChar,
  isNewline,
  isSingleQuote,
} from './chars.ts';
import { classifyAssignment } from '../classify-assignment.ts';
import { CONTINUATION_KEYWORDS, PIPELINE_KEYWORDS, STATEMENT_KEYWORDS } from './keywords.ts';
import { literal, type RawCommand, type RawElement } from './raw-command.ts';
import { Scanner } from './scanner.ts';

interface Ctx {
  depth: number;
  via: InvokedVia;
}

type Closer = ')' | '}' | ']' | null;

const MAX_NESTING = 64;
const NUMBER = /^(0x[0-9a-f]+|\d+(\.\d+)?(e[+-]?\d+)?)[lud]?(kb|mb|gb|tb|pb)?$/i;

const MAX_ERRORS = 50;
const UNARY_OPERATORS = /^(not|bnot|split|join)$/i;
const BINARY_OPERATORS =
  /^([ci]?(eq|ne|gt|ge|lt|le|like|notlike|match|notmatch|contains|notcontains|in|notin|replace|split)|join|is|isnot|as|f|and|or|xor|not|band|bor|bxor|bnot|shl|shr)$/i;

class NestingTooDeep extends Error {}
class TooManyErrors extends Error {}

/**
 * A recursive-descent reader of PowerShell's command syntax. It does not evaluate anything: it
 * reports every command it can find (also inside subexpressions, scriptblocks, strings and
 * here-strings), every redirection, every .NET member call, and what cannot be known statically.
 * Anything it does not understand becomes a parse error, which the policy never allows.
 */
export class PsScriptParser {
  private readonly s: Scanner;
  private nesting = 0;

  constructor(
    text: string,
    private readonly out: ParsedCommand,
    private readonly onCommand: (command: RawCommand) => void,
  ) {
    this.s = new Scanner(text);
  }

  /** Parses the whole text as a script. */
  parseScript(ctx: Ctx): void {
    try {
      this.parseStatementList(ctx, null);
    } catch (error) {
      if (error instanceof NestingTooDeep) this.error(`nesting deeper than ${MAX_NESTING} levels`);
      else if (error instanceof TooManyErrors)
        this.out.parseErrors.push(`more than ${MAX_ERRORS} errors; stopped`);
      else throw error;
    }
    this.out.parseErrors.push(...this.s.errors);
  }

  /** Parses the text as the body of an expandable string (a here-string's content). */
  parseExpandableBody(ctx: Ctx): { text: string; static: boolean } {
    const result = this.parseExpandable(ctx, false);
    this.out.parseErrors.push(...this.s.errors);
    return result;
  }

  private error(message: string): void {
    this.out.parseErrors.push(`${message} at offset ${this.s.pos}`);
    if (this.out.parseErrors.length > MAX_ERRORS) throw new TooManyErrors();
  }

  private child(ctx: Ctx, via: InvokedVia): Ctx {
    return { depth: ctx.depth + 1, via };
  }

  private parseStatementList(ctx: Ctx, closer: Closer): void {
    this.nesting += 1;
    if (this.nesting > MAX_NESTING) throw new NestingTooDeep();
    try {
      const s = this.s;
      for (;;) {
        s.skipBlanksAndNewlines();
        const c = s.peek();
        if (c === undefined) {
          if (closer !== null) this.error(`missing closing '${closer}'`);
          return;
        }
        if (c === closer) {
          s.pos += 1;
          return;
        }
        if (c === ';' || (c === ',' && closer === ')')) {
          s.pos += 1;
          continue;
        }
        if (c === ')' || c === '}' || c === ']') {
          this.error(`unexpected '${c}'`);
          s.pos += 1;
          continue;
        }
        if (s.startsWith('&&') || s.startsWith('||')) {
          s.pos += 2;
          continue;
        }
        const before = s.pos;
        this.parseStatement(ctx);
        if (s.pos === before) {
          this.error(`unexpected '${c}'`);
          s.pos += 1;
        }
      }
    } finally {
      this.nesting -= 1;
    }
  }

  /** The lower-case keyword-like word at the cursor, or undefined. */
  private peekBareWord(): string | undefined {
    const m = /^[A-Za-z]+/.exec(this.s.text.slice(this.s.pos, this.s.pos + 20));
    if (!m) return undefined;
    const after = this.s.peek(m[0].length);
    if (!endsGenericToken(after) && after !== '(' && after !== '{') return undefined;
    return m[0].toLowerCase();
  }

  private parseStatement(ctx: Ctx): void {
    const word = this.peekBareWord();
    if (word !== undefined && STATEMENT_KEYWORDS.has(word)) {
      this.parseKeywordStatement(word, ctx);
      return;
    }
    this.parsePipeline(ctx);
  }

  private atStatementEnd(): boolean {
    const s = this.s;
    const c = s.peek();
    return (
      c === undefined ||
      isNewline(c) ||
      c === ';' ||
      c === ')' ||
      c === '}' ||
      c === ']' ||
      s.startsWith('&&') ||
      s.startsWith('||')
    );
  }

  private parseKeywordStatement(word: string, ctx: Ctx): void {
    const s = this.s;
    s.pos += word.length;
    s.skipBlanks();
    if (PIPELINE_KEYWORDS.has(word)) {
      if (!this.atStatementEnd()) this.parsePipeline(ctx);
      return;
    }
    if (word === 'break' || word === 'continue') {
      if (!this.atStatementEnd()) this.parseArgumentItem(ctx);
      return;
    }
    if (word === 'using') {
      this.parseElements('using', true, 'direct', ctx);
      return;
    }
    if (['function', 'filter', 'workflow', 'configuration', 'class', 'enum'].includes(word)) {
      const name = this.parseArgumentItem(ctx);
      this.out.dynamic.push({ kind: 'function-definition', text: `${word} ${name.text}` });
    }
    this.parseKeywordParts(word, ctx);
  }

  private parseKeywordParts(word: string, ctx: Ctx): void {
    const s = this.s;
    for (;;) {
      s.skipBlanks();
      const c = s.peek();
      if (c === '(') {
        s.pos += 1;
        if (word === 'foreach') this.skipForeachVariable(ctx);
        this.parseStatementList(ctx, ')');
        continue;
      }
      if (c === '{') {
        s.pos += 1;
        this.parseStatementList(this.child(ctx, 'scriptblock'), '}');
        const save = s.pos;
        s.skipBlanksAndNewlines();
        const next = this.peekBareWord();
        if (next !== undefined && CONTINUATION_KEYWORDS.has(next)) {
          s.pos += next.length;
          continue;
        }
        s.pos = save;
        continue;
      }
      if (this.atStatementEnd() || c === '|') return;
      if (c === '[') {
        this.readTypeLiteral();
        continue;
      }
      this.parseArgumentItem(ctx);
    }
  }

  /** `foreach ($x in <pipeline>)`: skip `$x in` so the pipeline is parsed as one. */
  private skipForeachVariable(ctx: Ctx): void {
    const s = this.s;
    s.skipBlanksAndNewlines();
    if (s.peek() === '$') this.readVariable(ctx);
    s.skipBlanksAndNewlines();
    if (/^in\b/i.test(s.text.slice(s.pos, s.pos + 3))) s.pos += 2;
  }

  private parsePipeline(ctx: Ctx): void {
    const s = this.s;
    for (;;) {
      s.skipBlanks();
      this.parseElement(ctx);
      s.skipBlanks();
      if (s.peek() === '|' && s.peek(1) !== '|') {
        s.pos += 1;
        s.skipBlanksAndNewlines();
        continue;
      }
      // PowerShell 7.2+ lets a pipeline continue with `|` at the start of the next line.
      const save = s.pos;
      s.skipBlanksAndNewlines();
      if (s.peek() === '|' && s.peek(1) !== '|') {
        s.pos += 1;
        s.skipBlanksAndNewlines();
        continue;
      }
      s.pos = save;
      if (s.peek() === '&' && s.peek(1) !== '&') s.pos += 1;
      return;
    }
  }

  private parseElement(ctx: Ctx): void {
    const s = this.s;
    const c = s.peek();
    const c1 = s.peek(1);
    if (c === '&' && c1 !== '&') {
      s.pos += 1;
      s.skipBlanks();
      this.parseCommand(ctx, 'call-operator');
      return;
    }
    if (
      c === '.' &&
      (isBlank(c1) ||
        c1 === '{' ||
        c1 === '$' ||
        c1 === '(' ||
        isSingleQuote(c1) ||
        isDoubleQuote(c1))
    ) {
      s.pos += 1;
      s.skipBlanks();
      this.parseCommand(ctx, 'dot-source');
      return;
    }
    if (this.startsExpression()) {
      this.parseExpression(ctx);
      return;
    }
    this.parseCommand(ctx, 'direct');
  }

  private startsExpression(): boolean {
    const s = this.s;
    const c = s.peek();
    const c1 = s.peek(1);
    if (c === undefined) return false;
    if (c === '$' || c === '(' || c === '[' || c === '!' || c === ',' || c === '+') return true;
    if (isSingleQuote(c) || isDoubleQuote(c)) return true;
    // `-not $x` is an expression, but PowerShell runs `-Force` or `-c` at a statement's start as a
    // command name; only unary operators and numbers start an expression.
    if (isDash(c)) {
      const word = /^\p{L}+/u.exec(s.text.slice(s.pos + 1, s.pos + 8))?.[0];
      return word === undefined ? !/[\p{L}_?]/u.test(c1 ?? '') : UNARY_OPERATORS.test(word);
    }
    if (c === '@' && (c1 === '(' || c1 === '{' || isSingleQuote(c1) || isDoubleQuote(c1)))
      return true;
    if (/\d/.test(c) || (c === '.' && /\d/.test(c1 ?? ''))) {
      let end = s.pos;
      while (!endsGenericToken(s.text[end]) && s.text[end] !== '.') end += 1;
      return NUMBER.test(s.text.slice(s.pos, end)) || s.text[end] === '.';
    }
    return false;
  }

  private parseCommand(ctx: Ctx, via: InvokedVia): void {
    const s = this.s;
    const c = s.peek();
    let rawName: string;
    let staticName = true;
    if (c === '{') {
      s.pos += 1;
      this.parseStatementList(this.child(ctx, 'scriptblock'), '}');
      rawName = '<scriptblock>';
    } else if (c === undefined || this.atStatementEnd()) {
      this.error('missing command name');
      return;
    } else {
      const name = this.parseArgumentItem(ctx);
      rawName = name.text;
      staticName = name.static;
      if (!staticName) {
        this.out.dynamic.push({
          kind: via === 'call-operator' || via === 'dot-source' ? 'call-variable' : 'dynamic-name',
          text: name.text,
        });
      }
    }
    this.parseElements(rawName, staticName, via, ctx);
  }

  private parseElements(rawName: string, staticName: boolean, via: InvokedVia, ctx: Ctx): void {
    const s = this.s;
    const elements: RawElement[] = [];
    for (;;) {
      s.skipBlanks();
      const c = s.peek();
      const c1 = s.peek(1);
      if (this.atStatementEnd() || c === '|' || (c === '&' && c1 !== '&')) break;
      if (this.atRedirection()) {
        this.parseRedirection(ctx);
        continue;
      }
      if (s.startsWith('--%')) {
        s.pos += 3;
        const start = s.pos;
        while (!s.atEnd() && !isNewline(s.peek())) s.pos += 1;
        for (const word of s.text.slice(start, s.pos).split(/\s+/u).filter(Boolean)) {
          elements.push({ kind: 'arg', value: literal(word) });
        }
        break;
      }
      if (c === '-' && c1 === '-' && endsGenericToken(s.peek(2))) {
        s.pos += 2;
        elements.push({ kind: 'end-of-params' });
        continue;
      }
      if (isDash(c) && c1 !== undefined && /[\p{L}_?]/u.test(c1)) {
        elements.push(this.parseParameter(ctx));
        continue;
      }
      if (c === '@' && c1 !== undefined && isIdentifierChar(c1)) {
        s.pos += 1;
        const start = s.pos;
        while (isIdentifierChar(s.peek())) s.pos += 1;
        const text = `@${s.text.slice(start, s.pos)}`;
        this.out.dynamic.push({ kind: 'splatting', text });
        elements.push({ kind: 'arg', value: { text, items: [text], static: false } });
        continue;
      }
      elements.push({ kind: 'arg', value: this.parseArgumentValue(ctx) });
    }
    this.onCommand({
      rawName,
      staticName,
      via: via === 'direct' ? ctx.via : via,
      depth: ctx.depth,
      elements,
    });
  }

  private parseParameter(ctx: Ctx): RawElement {
    const s = this.s;
    const start = s.pos;
    s.pos += 1;
    let name = '';
    for (;;) {
      const c = s.peek();
      if (c === '`' && !isNewline(s.peek(1))) {
        name += s.readEscape();
      } else if (c !== undefined && (isIdentifierChar(c) || isDash(c) || c === '?')) {
        name += isDash(c) ? '-' : c;
        s.pos += 1;
      } else {
        break;
      }
    }
    const stop = s.peek();
    if (stop === ':') {
      s.pos += 1;
      s.skipBlanks();
      if (this.atStatementEnd() || s.peek() === '|') return { kind: 'param', rawName: name };
      return { kind: 'param', rawName: name, value: this.parseArgumentValue(ctx) };
    }
    if (!endsGenericToken(stop) && stop !== '`') {
      // `-a"b"` or `-a$b` is an argument that starts with a dash, not a parameter.
      s.pos = start;
      return { kind: 'arg', value: this.parseArgumentValue(ctx) };
    }
    return { kind: 'param', rawName: name };
  }

  private atRedirection(): boolean {
    const s = this.s;
    const c = s.peek();
    if (c === '>') return true;
    if (c === '<') return true;
    return (c === '*' || (c !== undefined && /[1-6]/.test(c))) && s.peek(1) === '>';
  }

  private parseRedirection(ctx: Ctx): void {
    const s = this.s;
    if (s.peek() === '<') {
      this.error("the '<' operator is reserved");
      s.pos += 1;
      return;
    }
    let operator = '';
    if (s.peek() !== '>') operator += s.next();
    operator += s.next();
    if (s.peek() === '>') operator += s.next();
    if (s.peek() === '&' && /[1-6]/.test(s.peek(1) ?? '')) {
      s.pos += 2;
      return;
    }
    s.skipBlanks();
    if (this.atStatementEnd() || s.peek() === '|') {
      this.error(`missing file after '${operator}'`);
      return;
    }
    const target = this.parseArgumentItem(ctx);
    this.out.redirections.push({
      operator,
      target: { text: target.text, items: [target.text], static: target.static },
      append: operator.endsWith('>>'),
    });
  }

  /** One argument, with `,`-separated items (`a, b`). */
  private parseArgumentValue(ctx: Ctx): ArgValue {
    const s = this.s;
    const items: string[] = [];
    let isStatic = true;
    for (;;) {
      const item = this.parseArgumentItem(ctx);
      items.push(item.text);
      isStatic &&= item.static;
      const save = s.pos;
      s.skipBlanks();
      if (s.peek() === ',') {
        s.pos += 1;
        s.skipBlanksAndNewlines();
        continue;
      }
      s.pos = save;
      return { text: items.join(','), items, static: isStatic };
    }
  }

  /** One bare word, string, variable, subexpression or scriptblock in command mode. */
  private parseArgumentItem(ctx: Ctx): { text: string; static: boolean } {
    const s = this.s;
    const c = s.peek();
    const start = s.pos;
    if (c === '(' || (c === '@' && s.peek(1) === '(')) {
      s.pos += c === '@' ? 2 : 1;
      this.parseStatementList(ctx, ')');
      this.parsePostfix(ctx);
      return { text: s.text.slice(start, s.pos), static: false };
    }
    if (c === '{') {
      s.pos += 1;
      this.parseStatementList(this.child(ctx, 'scriptblock'), '}');
      return { text: s.text.slice(start, s.pos), static: true };
    }
    if (c === '@' && s.peek(1) === '{') {
      this.parseHashtable(ctx);
      return { text: s.text.slice(start, s.pos), static: false };
    }
    if (s.atHereString()) return this.readHereString(ctx);
    let text = '';
    let isStatic = true;
    let first = true;
    for (;;) {
      const ch = s.peek();
      if (ch === undefined) break;
      if (ch === '`') {
        if (isNewline(s.peek(1))) break;
        text += s.readEscape();
      } else if (isSingleQuote(ch)) {
        text += s.readSingleQuoted();
      } else if (isDoubleQuote(ch)) {
        const part = this.parseExpandable(ctx, true);
        text += part.text;
        isStatic &&= part.static;
      } else if (ch === '$') {
        const v = this.readVariable(ctx);
        text += v.text;
        isStatic &&= v.static;
        if (first && this.parsePostfix(ctx)) isStatic = false;
      } else if (endsGenericToken(ch)) {
        break;
      } else {
        text += ch;
        s.pos += 1;
      }
      first = false;
    }
    return { text, static: isStatic };
  }

  /** One operand in expression mode: unlike a command argument, it does not run on into `=` or `]`. */
  private parseOperand(ctx: Ctx): void {
    const s = this.s;
    const c = s.peek();
    if (c === '$' && s.peek(1) !== '(') this.readVariable(ctx);
    else if (isSingleQuote(c)) s.readSingleQuoted();
    else if (isDoubleQuote(c)) this.parseExpandable(ctx, true);
    else if (c === '@' && !s.atHereString() && s.peek(1) !== '(' && s.peek(1) !== '{') s.pos += 1;
    else this.parseArgumentItem(ctx);
  }

  private readHereString(ctx: Ctx): { text: string; static: boolean } {
    const { body, expandable } = this.s.readHereString();
    if (!expandable) return { text: body, static: true };
    const sub = new PsScriptParser(body, this.out, this.onCommand);
    return sub.parseExpandableBody(ctx);
  }

  /** A double-quoted string (cursor on the quote) or, with `quoted` false, a body up to the end. */
  private parseExpandable(ctx: Ctx, quoted: boolean): { text: string; static: boolean } {
    const s = this.s;
    if (quoted) s.pos += 1;
    let text = '';
    let isStatic = true;
    for (;;) {
      const c = s.peek();
      if (c === undefined) {
        if (quoted) this.error('missing closing quote');
        break;
      }
      if (quoted && isDoubleQuote(c)) {
        s.pos += 1;
        if (isDoubleQuote(s.peek())) {
          text += s.next();
          continue;
        }
        break;
      }
      if (c === '`') {
        text += s.readEscape();
      } else if (
        c === '$' &&
        (s.peek(1) === '(' ||
          s.peek(1) === '{' ||
          isIdentifierChar(s.peek(1)) ||
          s.peek(1) === '?' ||
          s.peek(1) === '$' ||
          s.peek(1) === '^')
      ) {
        const v = this.readVariable(ctx);
        text += v.text;
        isStatic = false;
      } else {
        text += c;
        s.pos += 1;
      }
    }
    return { text, static: isStatic };
  }

  /** `$name`, `${name}`, `$env:X`, `$(...)`; `$true`/`$false`/`$null` are static. */
  private readVariable(ctx: Ctx): { text: string; static: boolean } {
    const s = this.s;
    const start = s.pos;
    s.pos += 1;
    const c = s.peek();
    if (c === '(') {
      s.pos += 1;
      this.parseStatementList(ctx, ')');
      return { text: s.text.slice(start, s.pos), static: false };
    }
    if (c === '{') {
      const end = s.text.indexOf('}', s.pos);
      if (end < 0) this.error("missing '}' after '${'");
      s.pos = end < 0 ? s.text.length : end + 1;
      return { text: s.text.slice(start, s.pos), static: false };
    }
    if (c === '?' || c === '$' || c === '^') {
      s.pos += 1;
      return { text: s.text.slice(start, s.pos), static: false };
    }
    while (isIdentifierChar(s.peek()) || (s.peek() === ':' && isIdentifierChar(s.peek(1))))
      s.pos += 1;
    const text = s.text.slice(start, s.pos);
    if (text === '$') return { text, static: true };
    // Mutating $PSDefaultParameterValues (also via .Add()) changes every later command's parameters.
    if (/psdefaultparametervalues$/i.test(text))
      this.out.dynamic.push({ kind: 'environment-change', text });
    return { text, static: /^\$(true|false|null)$/i.test(text) };
  }

  /** Member access after a value: `.Name`, `.Name(...)`, `::Name(...)`, `[index]`. */
  private parsePostfix(ctx: Ctx, typeName?: string): boolean {
    const s = this.s;
    let found = false;
    let staticType = typeName;
    for (;;) {
      const isStaticAccess = s.startsWith('::');
      if (isStaticAccess || (s.peek() === '.' && s.peek(1) !== '.')) {
        const after = s.peek(isStaticAccess ? 2 : 1);
        if (!(
          isIdentifierChar(after) ||
          after === '$' ||
          isSingleQuote(after) ||
          isDoubleQuote(after)
        ))
          return found;
        s.pos += isStaticAccess ? 2 : 1;
        const member = this.parseArgumentMember(ctx);
        const type = isStaticAccess ? (staticType ?? '<dynamic>') : '<instance>';
        const isCall = s.peek() === '(';
        if (isCall || isStaticAccess) this.out.dotnetCalls.push({ type, member });
        if (isCall) {
          s.pos += 1;
          this.parseStatementList(ctx, ')');
        }
        staticType = undefined;
        found = true;
        continue;
      }
      if (s.peek() === '[') {
        s.pos += 1;
        this.parseStatementList(ctx, ']');
        found = true;
        continue;
      }
      return found;
    }
  }

  private parseArgumentMember(ctx: Ctx): string {
    const s = this.s;
    const c = s.peek();
    if (isSingleQuote(c)) return s.readSingleQuoted().toLowerCase();
    if (isDoubleQuote(c)) {
      const v = this.parseExpandable(ctx, true);
      return v.static ? v.text.toLowerCase() : '<dynamic>';
    }
    if (c === '$') {
      this.readVariable(ctx);
      return '<dynamic>';
    }
    const start = s.pos;
    while (isIdentifierChar(s.peek())) s.pos += 1;
    return s.text.slice(start, s.pos).toLowerCase();
  }

  private readTypeLiteral(): string {
    const s = this.s;
    const start = s.pos;
    let depth = 0;
    while (!s.atEnd() && !isNewline(s.peek())) {
      const c = s.next();
      if (c === '[') depth += 1;
      else if (c === ']') {
        depth -= 1;
        if (depth === 0) return s.text.slice(start + 1, s.pos - 1);
      }
    }
    this.error("missing ']' after a type name");
    return s.text.slice(start + 1, s.pos);
  }

  private parseHashtable(ctx: Ctx): void {
    const s = this.s;
    s.pos += 2;
    for (;;) {
      s.skipBlanksAndNewlines();
      const c = s.peek();
      if (c === undefined) {
        this.error("missing closing '}'");
        return;
      }
      if (c === '}') {
        s.pos += 1;
        return;
      }
      if (c === ';') {
        s.pos += 1;
        continue;
      }
      const before = s.pos;
      if (c === '(' || c === '$' || isSingleQuote(c) || isDoubleQuote(c))
        this.parseArgumentItem(ctx);
      else while (!s.atEnd() && !endsGenericToken(s.peek()) && s.peek() !== '=') s.pos += 1;
      s.skipBlanks();
      if (s.peek() === '=') {
        s.pos += 1;
        s.skipBlanksAndNewlines();
        this.parseStatement(ctx);
      } else if (s.pos === before) {
        this.error(`unexpected '${c}' in a hashtable`);
        s.pos += 1;
      }
    }
  }

  private parseExpression(ctx: Ctx): void {
    const s = this.s;
    const start = s.pos;
    // PowerShell refuses an expression that ends in an operator (`$x *`, `'a',`, a lone `-`).
    let expectOperand = true;
    for (;;) {
      s.skipBlanks();
      const c = s.peek();
      const c1 = s.peek(1);
      if (this.atStatementEnd() || c === '|' || (c === '&' && c1 !== '&')) {
        if (expectOperand) this.error('missing an expression after an operator');
        return;
      }
      if (this.atRedirection()) {
        if (expectOperand) this.error('missing an expression before a redirection');
        this.parseRedirection(ctx);
        continue;
      }
      if (
        c === '=' ||
        (c !== undefined && '+-*/%?'.includes(c) && c1 === '=') ||
        (c === '?' && c1 === '?' && s.peek(2) === '=')
      ) {
        const assigned = classifyAssignment(s.text.slice(start, s.pos));
        if (assigned) this.out.dynamic.push(assigned);
        s.pos = s.text.indexOf('=', s.pos) + 1;
        s.skipBlanksAndNewlines();
        this.parseStatement(ctx);
        return;
      }
      if (c === '[') {
        const type = this.readTypeLiteral();
        if (s.startsWith('::')) this.parsePostfix(ctx, canonicalTypeName(type));
        expectOperand = false;
        continue;
      }
      if (c === '{') {
        s.pos += 1;
        this.parseStatementList(this.child(ctx, 'scriptblock'), '}');
        expectOperand = false;
        continue;
      }
      if (c === '$' || c === '(' || c === '@' || isSingleQuote(c) || isDoubleQuote(c)) {
        const before = s.pos;
        this.parseOperand(ctx);
        this.parsePostfix(ctx);
        if (s.pos === before) s.pos += 1;
        expectOperand = false;
        continue;
      }
      if (c === '.' || s.startsWith('::')) {
        if (this.parsePostfix(ctx)) {
          expectOperand = false;
        } else {
          s.pos += 1;
          if (c === '.' && s.peek() === '.') {
            s.pos += 1;
            expectOperand = true;
          }
        }
        continue;
      }
      if (isDash(c) && c1 !== undefined && /\p{L}/u.test(c1)) {
        s.pos += 1;
        const opStart = s.pos;
        while (isIdentifierChar(s.peek())) s.pos += 1;
        const op = s.text.slice(opStart, s.pos);
        if (!BINARY_OPERATORS.test(op)) this.error(`unknown operator '-${op}'`);
        expectOperand = true;
        continue;
      }
      if (c !== undefined && isIdentifierChar(c)) {
        const wordStart = s.pos;
        while (isIdentifierChar(s.peek()) || s.peek() === '.') {
          if (s.peek() === '.' && s.peek(1) === '.') break;
          s.pos += 1;
        }
        const word = s.text.slice(wordStart, s.pos);
        if (!NUMBER.test(word) && !/^\d/.test(word))
          this.error(`unexpected token '${word}' in an expression`);
        expectOperand = false;
        continue;
      }
      if (c !== undefined && (isDash(c) || '+*/%!,'.includes(c))) expectOperand = true;
      s.pos += 1;
    }
  }
}

/**
 * A .NET type name as the policy compares it: lower case, no `System.` prefix, no brackets.
 *
 * @example canonicalTypeName('System.IO.Directory') // 'io.directory'
 */
function canonicalTypeName(name: string): string {
  return name
    .trim()
    .replace(/\s+/g, '')
    .toLowerCase()
    .replace(/^system\./, '');
}
