import { emptyParsedCommand, mergeParsedCommand, type ParsedCommand } from '../parsed-command.ts';
import { nativeInvocation } from './native-invocation.ts';

/** Words that run the command after them (`sudo rm -rf /` is judged as `rm -rf /`). */
const PREFIX_COMMANDS = new Set([
  'sudo',
  'doas',
  'env',
  'exec',
  'nohup',
  'nice',
  'time',
  'command',
  'builtin',
  'xargs',
  'timeout',
  'stdbuf',
  'setsid',
]);

/**
 * Splits a POSIX shell command line (`bash -c '...'`) into commands (`;`, `&&`, `||`, `|`, `&`,
 * newlines), honoring single and double quotes and backslashes. Command substitutions
 * (`$(...)`, backticks) are parsed recursively; variable expansions make a word dynamic.
 *
 * @example parseShLine('sudo rm -rf / ; ls', 1).invocations.map((i) => i.name) // ['rm', 'ls']
 */
export function parseShLine(text: string, depth: number, nesting = 0): ParsedCommand {
  const out = emptyParsedCommand();
  let words: { text: string; dynamic: boolean }[] = [];
  let word = '';
  let dynamic = false;
  let inWord = false;
  let redirect: string | undefined;
  const endWord = (): void => {
    if (!inWord) return;
    if (redirect !== undefined) {
      out.redirections.push({
        operator: redirect,
        target: { text: word, items: [word], static: !dynamic },
        append: redirect.endsWith('>>'),
      });
      redirect = undefined;
    } else {
      words.push({ text: word, dynamic });
    }
    word = '';
    dynamic = false;
    inWord = false;
  };
  const endCommand = (): void => {
    endWord();
    let start = 0;
    const assignment = /^[A-Za-z_][A-Za-z0-9_]*=/;
    const noteAssignment = (word: string): void => {
      out.dynamic.push({
        kind: 'environment-change',
        text: `$env:${word.slice(0, word.indexOf('='))}`,
      });
    };
    while (start < words.length && assignment.test(words[start]?.text ?? ''))
      noteAssignment((words[start++] as { text: string }).text);
    while (start < words.length && PREFIX_COMMANDS.has(words[start]?.text ?? '')) {
      const prefix = words[start]?.text;
      start += 1;
      while (
        start < words.length &&
        ((words[start]?.text ?? '').startsWith('-') || assignment.test(words[start]?.text ?? ''))
      ) {
        const word = (words[start++] as { text: string }).text;
        if (assignment.test(word)) noteAssignment(word);
      }
      if (prefix === 'timeout' && start < words.length) start += 1;
    }
    const [first, ...rest] = words.slice(start);
    if (first !== undefined) {
      const invocation = nativeInvocation(
        first.text,
        rest.map((w) => w.text),
        'bash -c',
        depth,
      );
      invocation.staticName = !first.dynamic;
      rest.forEach((w, i) => {
        const arg = invocation.positional[i];
        if (arg && w.dynamic) arg.static = false;
      });
      if (first.dynamic) out.dynamic.push({ kind: 'dynamic-name', text: first.text });
      out.invocations.push(invocation);
    }
    words = [];
  };
  const substitute = (inner: string): void => {
    dynamic = true;
    if (nesting > 8) out.dynamic.push({ kind: 'depth-limit', text: inner });
    else mergeParsedCommand(out, parseShLine(inner, depth + 1, nesting + 1));
  };
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      word += text.slice(i + 1, end < 0 ? text.length : end);
      inWord = true;
      i = end < 0 ? text.length : end;
    } else if (c === '"') {
      inWord = true;
      for (i += 1; i < text.length && text[i] !== '"'; i += 1) {
        if (text[i] === '\\' && i + 1 < text.length) word += text[++i];
        else if (text[i] === '$' && text[i + 1] === '(')
          i = readSubstitution(text, i + 2, substitute);
        else if (text[i] === '`') i = readBacktick(text, i + 1, substitute);
        else {
          if (text[i] === '$') dynamic = true;
          word += text[i];
        }
      }
    } else if (c === '\\' && i + 1 < text.length) {
      if (text[i + 1] !== '\n') word += text[i + 1];
      inWord = text[i + 1] !== '\n' || inWord;
      i += 1;
    } else if (c === '$' && text[i + 1] === '(') {
      inWord = true;
      i = readSubstitution(text, i + 2, substitute);
    } else if (c === '`') {
      inWord = true;
      i = readBacktick(text, i + 1, substitute);
    } else if (
      c === ';' ||
      c === '&' ||
      c === '|' ||
      c === '\n' ||
      c === '(' ||
      c === ')' ||
      c === '{' ||
      c === '}'
    ) {
      if (c === '&' && text[i + 1] === '>') {
        endWord();
        redirect = text[i + 2] === '>' ? '&>>' : '&>';
        i += redirect.length - 1;
        continue;
      }
      endCommand();
      if ((c === '&' || c === '|') && text[i + 1] === c) i += 1;
    } else if (c === '>' || (/[0-9]/.test(c) && text[i + 1] === '>' && !inWord)) {
      endWord();
      let operator = c;
      if (c !== '>') operator += text[++i];
      if (text[i + 1] === '>') operator += text[++i];
      if (text[i + 1] === '&') {
        i += 1;
        while (/[0-9-]/.test(text[i + 1] ?? '')) i += 1;
        continue;
      }
      redirect = operator;
    } else if (c === '<') {
      endWord();
      if (text[i + 1] === '(') i = readSubstitution(text, i + 2, substitute);
    } else if (c === '#' && !inWord) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i += 1;
    } else if (/\s/.test(c)) {
      endWord();
    } else {
      if (c === '$') dynamic = true;
      word += c;
      inWord = true;
    }
  }
  endCommand();
  return out;
}

/** Reads `$( ... )` from just after `$(`; returns the index of the closing parenthesis. */
function readSubstitution(text: string, start: number, onInner: (inner: string) => void): number {
  let depth = 1;
  let i = start;
  for (; i < text.length; i += 1) {
    if (text[i] === '(') depth += 1;
    else if (text[i] === ')') {
      depth -= 1;
      if (depth === 0) break;
    }
  }
  onInner(text.slice(start, i));
  return i;
}

function readBacktick(text: string, start: number, onInner: (inner: string) => void): number {
  const end = text.indexOf('`', start);
  const stop = end < 0 ? text.length : end;
  onInner(text.slice(start, stop));
  return stop;
}
