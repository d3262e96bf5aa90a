import { fail, type Outcome } from './command-error.ts';
import { closesFence, parseFenceOpen } from './markdown-fence.ts';
import type { ScannedLine } from './scan-comment.ts';

/**
 * Reads `/ko exec`: the rest of the line, or the fenced code block on the next non-blank line.
 *
 * @example parseExec('Get-Date', []); // { command: { name: 'exec', command: 'Get-Date', source: 'line' } }
 */
export function parseExec(remainder: string, following: readonly ScannedLine[]): Outcome {
  if (remainder !== '') {
    return { command: { name: 'exec', command: unwrapCodeSpan(remainder), source: 'line' } };
  }
  const missing = fail(
    'MISSING_ARGUMENT',
    '`/ko exec` needs a command.',
    'Put the command after `/ko exec` on the same line, or in a fenced code block (```) starting on the next line.',
  );
  const openIndex = following.findIndex((l) => l.text.trim() !== '');
  const openLine = following[openIndex];
  const fence = openLine === undefined ? undefined : parseFenceOpen(openLine.text);
  if (fence === undefined) return missing;
  const body: string[] = [];
  for (const line of following.slice(openIndex + 1)) {
    if (closesFence(line.text, fence)) {
      const command = body.join('\n');
      if (command.trim() === '') return missing;
      const language = fence.info === '' ? {} : { language: fence.info.split(/\s+/)[0] as string };
      return { command: { name: 'exec', command, source: 'block', ...language } };
    }
    body.push(line.text);
  }
  return fail(
    'UNCLOSED_CODE_BLOCK',
    `The code block after \`/ko exec\` (line ${(openLine as ScannedLine).number}) is never closed.`,
    `End it with a line of \`\` ${fence.char.repeat(fence.length)} \`\`.`,
  );
}

/**
 * `/ko exec \`Get-Date\`` renders as code, so the person means the text inside the code span;
 * the backticks are Markdown, not PowerShell (where a backtick is the escape character).
 */
function unwrapCodeSpan(text: string): string {
  const match = /^(`+)(?!`)([\s\S]*?[^`])\1$/.exec(text);
  if (!match) return text;
  const ticks = match[1] as string;
  const inner = match[2] as string;
  // A run of the same length inside would have ended the span earlier: not one span.
  if (new RegExp(`(^|[^\`])${ticks}([^\`]|$)`).test(inner)) return text;
  const trimmed =
    inner.startsWith(' ') && inner.endsWith(' ') && inner.trim() !== ''
      ? inner.slice(1, -1)
      : inner;
  return trimmed.trim() === '' ? text : trimmed;
}
