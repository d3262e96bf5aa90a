import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, MESSAGE_TYPES } from '../../../contracts/codec/index.ts';
import type { KoFrame } from '../../../contracts/codec/index.ts';

const dir = new URL('../../../contracts/ko-v1/examples/', import.meta.url);
const examples = readdirSync(dir)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => ({ name, text: readFileSync(new URL(name, dir), 'utf8') }));

describe('contracts/ko-v1/examples', () => {
  it('has at least one example per message type', () => {
    const covered = new Set(examples.map(({ text }) => (JSON.parse(text) as KoFrame).type));
    expect([...covered].sort()).toEqual([...MESSAGE_TYPES].sort());
  });

  it.each(examples)('$name validates strictly and is named after its type', ({ name, text }) => {
    const frame = decodeFrame(text, { mode: 'strict' });
    expect(name === `${frame.type}.json` || name.startsWith(`${frame.type}.`)).toBe(true);
  });

  it.each(examples)('$name survives encode → decode unchanged', ({ text }) => {
    const frame = JSON.parse(text) as KoFrame;
    expect(decodeFrame(encodeFrame(frame), { mode: 'strict' })).toEqual(frame);
  });
});
