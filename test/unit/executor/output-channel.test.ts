import { describe, expect, it } from 'vitest';
import {
  createOutputChannel,
  truncationNotice,
} from '../../../runner/src/executor/output-channel.ts';
import type { TextTransform } from '../../../runner/src/executor/executor-types.ts';

function collect(capBytes: number, pieces: Buffer[], transform?: TextTransform) {
  const out: Buffer[] = [];
  const channel = createOutputChannel({
    stream: 'stdout',
    capBytes,
    transform,
    onOutput: (_stream, chunk) => out.push(chunk),
  });
  for (const piece of pieces) channel.write(piece);
  channel.end();
  return {
    text: Buffer.concat(out).toString('utf8'),
    summary: channel.summary(),
    chunks: out.length,
  };
}

const korean = Buffer.from('한국어', 'utf8'); // 9 bytes, 3 per character

describe('createOutputChannel', () => {
  it.each([
    {
      name: 'passes text through under the cap',
      cap: 100,
      pieces: [Buffer.from('hello\n')],
      expected: 'hello\n',
      truncated: false,
    },
    {
      name: 'keeps a character split across reads whole',
      cap: 100,
      pieces: [korean.subarray(0, 4), korean.subarray(4)],
      expected: '한국어',
      truncated: false,
    },
    {
      name: 'cuts at the cap on a character boundary and adds the notice on its own line',
      cap: 7,
      pieces: [korean],
      expected: `한국\n${truncationNotice(7)}`,
      truncated: true,
    },
    {
      name: 'adds no extra newline when the output ends with one',
      cap: 6,
      pieces: [Buffer.from('abcde\nfgh')],
      expected: `abcde\n${truncationNotice(6)}`,
      truncated: true,
    },
    {
      name: 'gives the notice once and drops everything after it',
      cap: 3,
      pieces: [Buffer.from('abcd'), Buffer.from('efgh'), Buffer.from('ijkl')],
      expected: `abc\n${truncationNotice(3)}`,
      truncated: true,
    },
    {
      name: 'exactly at the cap is not truncated',
      cap: 4,
      pieces: [Buffer.from('ab'), Buffer.from('cd')],
      expected: 'abcd',
      truncated: false,
    },
  ])('$name', ({ cap, pieces, expected, truncated }) => {
    const { text, summary } = collect(cap, pieces);
    expect(text).toBe(expected);
    expect(summary).toEqual({ bytes: Buffer.byteLength(expected), truncated });
  });

  it('counts bytes after the transform and releases what it held back at the end', () => {
    let held = '';
    const upperAndHoldLast: TextTransform = {
      push(text) {
        const all = held + text;
        held = all.slice(-1);
        return all.slice(0, -1).toUpperCase();
      },
      flush() {
        const rest = held.toUpperCase();
        held = '';
        return rest;
      },
    };
    const { text, summary } = collect(
      100,
      [Buffer.from('ab'), Buffer.from('cd')],
      upperAndHoldLast,
    );
    expect(text).toBe('ABCD');
    expect(summary).toEqual({ bytes: 4, truncated: false });
  });
});
