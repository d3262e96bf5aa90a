import { emptyParsedCommand, type ParsedCommand } from '../parsed-command.ts';
import { nativeInvocation } from './native-invocation.ts';

/**
 * Splits a `cmd.exe /c` command line into commands (`&`, `&&`, `||`, `|`, parentheses), honoring
 * double quotes and `^` escapes, and records `>`/`>>` redirections. cmd built-ins (del, rd,
 * format) keep cmd's meaning: they are not PowerShell aliases here.
 *
 * @example parseCmdLine('del /s /q x & echo ok', 1).invocations.map((i) => i.name) // ['del', 'echo']
 */
export function parseCmdLine(text: string, depth: number): ParsedCommand {
  const out = emptyParsedCommand();
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let inQuotes = false;
  let redirect: { operator: string } | undefined;
  const endWord = (): void => {
    if (!inWord) return;
    if (redirect) {
      out.redirections.push({
        operator: redirect.operator,
        target: { text: word, items: [word], static: !word.includes('%') },
        append: redirect.operator.endsWith('>>'),
      });
      redirect = undefined;
    } else {
      words.push(word);
    }
    word = '';
    inWord = false;
  };
  const endCommand = (): void => {
    endWord();
    const [first, ...rest] = words;
    if (first !== undefined) {
      const name = first.replace(/^@/, '');
      if (name.length > 0) out.invocations.push(nativeInvocation(name, rest, 'cmd /c', depth));
    }
    words = [];
  };
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (inQuotes) {
      if (c === '"') inQuotes = false;
      else word += c;
      continue;
    }
    if (c === '"') {
      inQuotes = true;
      inWord = true;
    } else if (c === '^' && i + 1 < text.length) {
      word += text[i + 1];
      inWord = true;
      i += 1;
    } else if (c === '&' || c === '|' || c === '(' || c === ')' || c === '\n' || c === '\r') {
      endCommand();
      if ((c === '&' || c === '|') && text[i + 1] === c) i += 1;
    } else if (c === '>' || (/[12]/.test(c) && text[i + 1] === '>' && !inWord)) {
      endWord();
      let operator = c;
      if (c !== '>') operator += text[++i];
      if (text[i + 1] === '>') operator += text[++i];
      if (text[i + 1] === '&') {
        i += 2;
        continue;
      }
      redirect = { operator };
    } else if (c === '<') {
      endWord();
    } else if (/\s/.test(c)) {
      endWord();
    } else {
      word += c;
      inWord = true;
    }
  }
  endCommand();
  if (text.includes('%'))
    out.dynamic.push({ kind: 'dynamic-name', text: `cmd variable expansion in: ${text}` });
  return out;
}
