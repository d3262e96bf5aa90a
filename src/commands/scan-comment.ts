import { closesFence, parseFenceOpen, type Fence } from './markdown-fence.ts';

/** A line of a comment with what Markdown makes of it. */
export interface ScannedLine {
  /** 1-based line number in the comment. */
  number: number;
  text: string;
  /** True for lines inside or opening/closing a code block, in a quote, or in an HTML comment. */
  inert: boolean;
}

const QUOTE = /^ {0,3}>/;
// Four spaces or a tab start an indented code block; such a line is code, not a command.
const INDENTED_CODE = /^( {4}|\t)/;

/**
 * Splits a comment body into lines (CRLF or LF) and marks the ones that cannot hold a command:
 * fenced code, quotes (a quoted reply must not act again), indented code and HTML comments
 * (PR templates hide text in them).
 *
 * @example scanComment('> /ko merge\n/ko status').map((l) => l.inert); // [true, false]
 */
export function scanComment(body: string): ScannedLine[] {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const scanned: ScannedLine[] = [];
  let fence: Fence | undefined;
  let inHtmlComment = false;
  lines.forEach((text, index) => {
    const number = index + 1;
    if (fence) {
      if (closesFence(text, fence)) fence = undefined;
      scanned.push({ number, text, inert: true });
      return;
    }
    if (inHtmlComment) {
      const end = text.indexOf('-->');
      if (end === -1) {
        scanned.push({ number, text, inert: true });
        return;
      }
      inHtmlComment = false;
      scanned.push({ number, text, inert: true });
      return;
    }
    if (QUOTE.test(text) || INDENTED_CODE.test(text)) {
      scanned.push({ number, text, inert: true });
      return;
    }
    const opened = parseFenceOpen(text);
    if (opened) {
      fence = opened;
      scanned.push({ number, text, inert: true });
      return;
    }
    const visible = text.replace(/<!--[\s\S]*?-->/g, '');
    const start = visible.indexOf('<!--');
    if (start !== -1) inHtmlComment = true;
    const rest = start === -1 ? visible : visible.slice(0, start);
    scanned.push({ number, text: rest, inert: start === 0 && rest.trim() === '' });
  });
  return scanned;
}
