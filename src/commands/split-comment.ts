import { PreconditionError } from '../../contracts/errors.ts';
import { fenceText, parseFenceOpen, closesFence, type Fence } from './markdown-fence.ts';

/**
 * GitHub refuses an issue or PR comment longer than this with 422 "Body is too long (maximum is
 * 65536 characters)"; the REST docs do not state the number, the API does:
 * https://docs.github.com/en/rest/issues/comments#create-an-issue-comment and
 * https://github.com/dead-claudia/github-limits. We count UTF-16 units, never fewer than the
 * characters GitHub counts, so a part under our count is under theirs.
 */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** Comments one reply may use when the repo config does not say (its comments.max_parts default). */
export const DEFAULT_MAX_PARTS = 5;
const MIN_LIMIT = 200;

export interface SplitOptions {
  /** Largest part, in UTF-16 units. Default: GITHUB_COMMENT_LIMIT. */
  limit?: number;
  /** Most comments to post (the repo config's comments.max_parts). Default 5. */
  maxParts?: number;
  /** Where the whole output can be read, linked when the output is cut. */
  fullOutputUrl?: string;
}

export interface CommentPart {
  /** What to post. */
  text: string;
  /** The slice of the original text this part carries; all bodies in order give the original. */
  body: string;
  /** 1-based. */
  index: number;
  total: number;
}

interface Line {
  start: number;
  /** Just past the line's "\n", or the text's end. */
  end: number;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline + 1;
    lines.push({ start, end });
    start = end;
  }
  return lines;
}

/** The open fence before each line (index i) and after the last one (index lines.length). */
function fenceStates(text: string, lines: readonly Line[]): (Fence | undefined)[] {
  const states: (Fence | undefined)[] = [];
  let open: Fence | undefined;
  for (const line of lines) {
    states.push(open);
    const content = text.slice(line.start, line.end).replace(/\n$/, '');
    if (open) {
      if (closesFence(content, open)) open = undefined;
    } else {
      open = parseFenceOpen(content);
    }
  }
  states.push(open);
  return states;
}

const LOOKS_LIKE_FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** What closes an open fence after `body`: a newline if the body ends mid-line, then the fence. */
function closing(body: string, fence: Fence | undefined): string {
  return closingFor(body === '' || body.endsWith('\n'), fence);
}

function closingFor(atLineStart: boolean, fence: Fence | undefined): string {
  return fence ? `${atLineStart ? '' : '\n'}${fenceText(fence, true)}\n` : '';
}

function marker(index: number, total: number): string {
  return `_(continued ${index}/${total})_\n\n`;
}

function cutNotice(maxParts: number, url: string | undefined): string {
  const where = url === undefined ? 'The rest is not posted.' : `[Full output](${url})`;
  return `\n> [!WARNING]\n> Output cut: it needs more than ${maxParts} comments. ${where}\n`;
}

/**
 * Splits long output into GitHub comments: at line breaks where it can (hard splits only for lines
 * longer than a comment, never inside a surrogate pair or where the rest would look like a fence),
 * code fences closed at the end of a part and reopened with the same fence and info string, a
 * "_(continued 2/3)_" marker on every part after the first, and at most `maxParts` parts, the last
 * of which then says the output was cut and links `fullOutputUrl`. CRLF is posted as LF.
 *
 * @example splitComment('```\n' + 'line\n'.repeat(30_000) + '```\n').length; // 3
 */
export function splitComment(input: string, options: SplitOptions = {}): CommentPart[] {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  const maxParts = options.maxParts ?? DEFAULT_MAX_PARTS;
  if (!Number.isInteger(limit) || limit < MIN_LIMIT) {
    throw new PreconditionError(
      'SPLIT_LIMIT_TOO_SMALL',
      `A comment limit of ${limit} is too small`,
      {
        hint: `use a whole number of at least ${MIN_LIMIT}`,
      },
    );
  }
  if (!Number.isInteger(maxParts) || maxParts < 1 || maxParts > 1000) {
    throw new PreconditionError('SPLIT_MAX_PARTS_INVALID', `maxParts ${maxParts} is not allowed`, {
      hint: 'use a whole number from 1 to 1000',
    });
  }
  const text = input.replace(/\r\n/g, '\n');
  if (text === '') return [];
  const lines = splitLines(text);
  const states = fenceStates(text, lines);
  const markerReserve = marker(maxParts, maxParts).length;
  const notice = cutNotice(maxParts, options.fullOutputUrl);

  const pieces: { body: string; reopen: Fence | undefined; close: Fence | undefined }[] = [];
  let pos = 0;
  let lineIndex = 0;
  let cut = false;
  while (pos < text.length) {
    const isLast = pieces.length === maxParts - 1;
    const openAtStart = states[lineIndex];
    const reopenLength = openAtStart ? fenceText(openAtStart).length + 1 : 0;
    const budget = limit - (pieces.length > 0 ? markerReserve : 0) - reopenLength;
    let next = fill(text, lines, states, pos, lineIndex, budget);
    if (isLast && next.pos < text.length) {
      // The rest does not fit: make room for the notice that says so.
      next = fill(text, lines, states, pos, lineIndex, budget - notice.length);
      cut = true;
    }
    pieces.push({
      body: text.slice(pos, next.pos),
      reopen: openAtStart,
      close: states[next.lineIndex],
    });
    pos = next.pos;
    lineIndex = next.lineIndex;
    if (cut) break;
  }

  const total = pieces.length;
  return pieces.map((piece, i) => {
    const header = i === 0 ? '' : marker(i + 1, total);
    const reopen = piece.reopen ? `${fenceText(piece.reopen)}\n` : '';
    const footer = cut && i === total - 1 ? notice : '';
    const partText = `${header}${reopen}${piece.body}${closing(piece.body, piece.close)}${footer}`;
    return { text: partText, body: piece.body, index: i + 1, total };
  });
}

/**
 * The furthest end for a part starting at `pos` that fits `budget` with its closing fence: whole
 * lines first, a hard split of the current line when not even one whole line fits.
 */
function fill(
  text: string,
  lines: readonly Line[],
  states: readonly (Fence | undefined)[],
  pos: number,
  lineIndex: number,
  budget: number,
): { pos: number; lineIndex: number } {
  let end = pos;
  let endLine = lineIndex;
  for (let i = lineIndex; i < lines.length; i++) {
    const candidate = (lines[i] as Line).end;
    const atLineStart = text[candidate - 1] === '\n';
    const cost = candidate - pos + closingFor(atLineStart, states[i + 1]).length;
    if (cost > budget) break;
    end = candidate;
    endLine = i + 1;
  }
  if (end > pos) return { pos: end, lineIndex: endLine };
  // Mid-line, the fence state is the one before the line (fence lines are never this long).
  const fence = states[lineIndex];
  const room = budget - (fence ? fenceText(fence, true).length + 2 : 0);
  if (room < 1) {
    throw new PreconditionError('SPLIT_NO_ROOM', 'A comment part has no room for any text', {
      hint: 'raise the limit, or shorten the full-output URL or the code fence info string',
    });
  }
  return { pos: hardCut(text, lines[lineIndex] as Line, pos, pos + room), lineIndex };
}

/** A cut in (pos, maxCut] that splits no surrogate pair and makes no piece read as a fence. */
function hardCut(text: string, line: Line, pos: number, maxCut: number): number {
  const lineText = text.slice(line.start, line.end);
  const lineIsFence = parseFenceOpen(lineText.replace(/\n$/, '')) !== undefined;
  // A bounded search: a pathological line (say 100k backticks) must not make this quadratic.
  const lowest = Math.max(pos + 1, maxCut - 256);
  for (let cut = maxCut; cut >= lowest; cut--) {
    const high = text.charCodeAt(cut - 1);
    if (high >= 0xd800 && high <= 0xdbff) continue;
    if (LOOKS_LIKE_FENCE.test(text.slice(cut, cut + 8))) continue;
    const head = text.slice(pos, Math.min(cut, pos + 512));
    if (pos === line.start && !lineIsFence && parseFenceOpen(head) !== undefined) {
      continue;
    }
    return cut;
  }
  const high = text.charCodeAt(maxCut - 1);
  return high >= 0xd800 && high <= 0xdbff && maxCut - 1 > pos ? maxCut - 1 : maxCut;
}
