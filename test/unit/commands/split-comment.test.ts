import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closesFence, parseFenceOpen, type Fence } from '../../../src/commands/markdown-fence.ts';
import {
  GITHUB_COMMENT_LIMIT,
  splitComment,
  type CommentPart,
} from '../../../src/commands/split-comment.ts';

const HEADER = /^_\(continued (\d+)\/(\d+)\)_\n\n/;
const REOPEN = /^(`{3,}|~{3,})[^\n]*\n/;
const SUFFIX = /^(\n?(`{3,}|~{3,})\n)?(\n> \[!WARNING\]\n> Output cut[^\n]*\n)?$/;

/** Checks that a part is header + reopened fence + body + closing fence + notice, nothing else. */
function expectWellFormed(part: CommentPart): void {
  let rest = part.text;
  const header = HEADER.exec(rest);
  if (part.index === 1) expect(header).toBeNull();
  else expect(header?.slice(1)).toEqual([String(part.index), String(part.total)]);
  rest = rest.slice(header?.[0].length ?? 0);
  // A reopened fence comes first when one was open; a body may itself start with a fence line,
  // or with backticks that read as the start of one (a hard cut left "``"), so both readings
  // are tried and the part is well formed when one of them is.
  const reopen = REOPEN.exec(rest);
  const readings = reopen ? [rest.slice(reopen[0].length), rest] : [rest];
  const fits = readings.find(
    (reading) => reading.startsWith(part.body) && SUFFIX.test(reading.slice(part.body.length)),
  );
  expect(fits, `part ${part.index}: ${JSON.stringify(part.text)}`).toBeDefined();
}

/** True when every fence opened in `text` is closed again inside it. */
function fencesBalanced(text: string): boolean {
  let open: Fence | undefined;
  for (const line of text.split('\n')) {
    if (open) {
      if (closesFence(line, open)) open = undefined;
    } else {
      open = parseFenceOpen(line);
    }
  }
  return open === undefined;
}

describe('splitComment: examples', () => {
  it('a part whose body is only the backticks a hard cut left is still a whole fenced block', () => {
    const text = `\`\`\`\`ps1\nx${'ab'.repeat(50)}\nx${'ab'.repeat(90)}\`\`\``;
    const parts = splitComment(text, { limit: 221, maxParts: 1000 });
    const last = parts.at(-1) as CommentPart;
    expect(last.body).toBe('``');
    expect(last.text).toBe(`_(continued 3/3)_\n\n\`\`\`\`ps1\n\`\`\n\`\`\`\`\n`);
    for (const part of parts) expectWellFormed(part);
    expect(parts.map((p) => p.body).join('')).toBe(text);
  });

  it('keeps short output in one part, unchanged', () => {
    const parts = splitComment('hello\n```\ncode\n```\n');
    expect(parts).toEqual([
      { text: 'hello\n```\ncode\n```\n', body: 'hello\n```\ncode\n```\n', index: 1, total: 1 },
    ]);
  });

  it('returns nothing for empty output', () => {
    expect(splitComment('')).toEqual([]);
  });

  it('splits at line breaks, closes and reopens the fence with its info string', () => {
    const text = 'intro\n```powershell\n' + 'Get-Item x\n'.repeat(40) + '```\ndone\n';
    const parts = splitComment(text, { limit: 200, maxParts: 100 });
    expect(parts.length).toBeGreaterThan(2);
    expect(parts[0]!.text.endsWith('Get-Item x\n```\n')).toBe(true);
    expect(
      parts[1]!.text.startsWith(
        `_(continued 2/${parts.length})_\n\n\`\`\`powershell\nGet-Item x\n`,
      ),
    ).toBe(true);
    expect(parts.map((p) => p.body).join('')).toBe(text);
    for (const part of parts) {
      expect(part.text.length).toBeLessThanOrEqual(200);
      expect(part.body.endsWith('\n')).toBe(true);
    }
  });

  it('reopens a longer fence with the same length and character', () => {
    const text = '~~~~ text\n' + '```\nnot a close\n'.repeat(30) + '~~~~\n';
    const parts = splitComment(text, { limit: 200, maxParts: 100 });
    expect(parts[1]!.text).toMatch(/^_\(continued 2\/\d+\)_\n\n~~~~text\n/);
    expect(parts[0]!.text.endsWith('\n~~~~\n')).toBe(true);
  });

  it('hard-splits a line longer than a comment', () => {
    const text = 'x'.repeat(1000);
    const parts = splitComment(text, { limit: 300, maxParts: 10 });
    expect(parts.map((p) => p.body).join('')).toBe(text);
    expect(parts.every((p) => p.text.length <= 300)).toBe(true);
  });

  it('never splits a surrogate pair', () => {
    const text = '😀'.repeat(600);
    const parts = splitComment(text, { limit: 201, maxParts: 100 });
    for (const part of parts) expect(part.body).toMatch(/^(\u{1F600})+$/u);
  });

  it('does not leave a piece that reads as a fence after a hard split', () => {
    const text = 'a'.repeat(200) + '```' + 'b'.repeat(300);
    const parts = splitComment(text, { limit: 200, maxParts: 10 });
    for (const part of parts) expect(fencesBalanced(part.text)).toBe(true);
    expect(parts.map((p) => p.body).join('')).toBe(text);
  });

  it.each(['`', '~'])('splits a huge line of %s without a quadratic search', (char) => {
    const text = `x${char.repeat(300_000)}\n`;
    const parts = splitComment(text, { maxParts: 10 });
    expect(parts.map((p) => p.body).join('')).toBe(text);
    expect(parts.every((p) => p.text.length <= GITHUB_COMMENT_LIMIT)).toBe(true);
  });

  it('cuts after maxParts comments and links the full output', () => {
    const text = 'line\n'.repeat(1000);
    const parts = splitComment(text, {
      limit: 300,
      maxParts: 3,
      fullOutputUrl: 'https://ko.example/jobs/42/output',
    });
    expect(parts).toHaveLength(3);
    expect(parts[2]!.text).toContain(
      'Output cut: it needs more than 3 comments. [Full output](https://ko.example/jobs/42/output)',
    );
    expect(parts[2]!.text).toMatch(/^_\(continued 3\/3\)_/);
    expect(text.startsWith(parts.map((p) => p.body).join(''))).toBe(true);
    expect(parts.every((p) => p.text.length <= 300)).toBe(true);
  });

  it('says when there is no full output to link', () => {
    const parts = splitComment('line\n'.repeat(1000), { limit: 300, maxParts: 1 });
    expect(parts).toHaveLength(1);
    expect(parts[0]!.text).toContain('The rest is not posted.');
  });

  it('uses all of the last part when the rest fits without the notice', () => {
    const text = 'y'.repeat(250) + '\n';
    const parts = splitComment(text, { limit: 260, maxParts: 1 });
    expect(parts).toEqual([{ text, body: text, index: 1, total: 1 }]);
  });

  it('posts CRLF output as LF', () => {
    expect(splitComment('a\r\nb\r\n')[0]!.body).toBe('a\nb\n');
  });

  it("fits a large real-size output under GitHub's limit", () => {
    const text = '```\n' + `${'0123456789'.repeat(12)}\n`.repeat(1500) + '```\n';
    const parts = splitComment(text, { maxParts: 10 });
    expect(parts.length).toBe(3);
    expect(
      parts.every((p) => p.text.length <= GITHUB_COMMENT_LIMIT && fencesBalanced(p.text)),
    ).toBe(true);
  });

  const bad = [
    { options: { limit: 10 }, code: 'SPLIT_LIMIT_TOO_SMALL' },
    { options: { limit: 300.5 }, code: 'SPLIT_LIMIT_TOO_SMALL' },
    { options: { maxParts: 0 }, code: 'SPLIT_MAX_PARTS_INVALID' },
    {
      options: { limit: 200, maxParts: 1, fullOutputUrl: `https://x/${'u'.repeat(300)}` },
      code: 'SPLIT_NO_ROOM',
    },
  ];
  it.each(bad)('refuses $options with $code', ({ options, code }) => {
    expect(() => splitComment('z\n'.repeat(500), options)).toThrow(
      expect.objectContaining({ code }),
    );
  });
});

describe('splitComment: properties', () => {
  const info = fc.constantFrom('', 'powershell', 'ps1', 'json', 'diff');
  const line = fc.oneof(
    { weight: 5, arbitrary: fc.string({ maxLength: 60 }).map((s) => s.replace(/[\r\n]/g, ' ')) },
    {
      weight: 1,
      arbitrary: fc
        .string({ minLength: 150, maxLength: 1500 })
        .map((s) => s.replace(/[\r\n]/g, ' ')),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom('```', '````', '~~~'), info).map(([f, i]) => f + i),
    },
    { weight: 1, arbitrary: fc.constantFrom('```', '````', '~~~', '  ```', '``` not-a-close`') },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.constantFrom('ab', '```', '~~~', ' ', '😀'), { minLength: 50, maxLength: 400 })
        .map((tokens) => `x${tokens.join('')}`),
    },
    { weight: 1, arbitrary: fc.constantFrom('', '> quoted', '😀 emoji 😀', '- item', 'a```b') },
  );
  const output = fc
    .tuple(fc.array(line, { maxLength: 80 }), fc.constantFrom('\n', '\r\n'), fc.boolean())
    .map(([lines, eol, trailing]) => lines.join(eol) + (trailing ? eol : ''));
  const limit = fc.integer({ min: 200, max: 700 });

  it('keeps every part under the limit, well formed, fences balanced, and loses nothing', () => {
    fc.assert(
      fc.property(output, limit, (text, max) => {
        const parts = splitComment(text, { limit: max, maxParts: 1000 });
        for (const part of parts) {
          expect(part.text.length).toBeLessThanOrEqual(max);
          expectWellFormed(part);
          expect(fencesBalanced(part.text)).toBe(true);
        }
        expect(parts.map((p) => p.body).join('')).toBe(text.replace(/\r\n/g, '\n'));
      }),
      { numRuns: 300 },
    );
  });

  it('respects the cap and keeps a prefix of the output when it cuts', () => {
    fc.assert(
      fc.property(output, limit, fc.integer({ min: 1, max: 6 }), (text, max, maxParts) => {
        const parts = splitComment(text, {
          limit: max,
          maxParts,
          fullOutputUrl: 'https://ko.example/o/1',
        });
        const normalized = text.replace(/\r\n/g, '\n');
        const joined = parts.map((p) => p.body).join('');
        expect(parts.length).toBeLessThanOrEqual(maxParts);
        const wasCut = parts.at(-1)?.text.includes('Output cut') ?? false;
        if (wasCut)
          expect(normalized.startsWith(joined) && joined.length < normalized.length).toBe(true);
        else expect(joined).toBe(normalized);
        for (const part of parts) {
          expect(part.text.length).toBeLessThanOrEqual(max);
          expectWellFormed(part);
        }
      }),
      { numRuns: 300 },
    );
  });
});
