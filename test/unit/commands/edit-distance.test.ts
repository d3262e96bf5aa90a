import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closestMatch, damerauLevenshtein } from '../../../src/commands/edit-distance.ts';

describe('damerauLevenshtein', () => {
  const cases = [
    { a: '', b: '', expected: 0 },
    { a: '', b: 'abc', expected: 3 },
    { a: 'merge', b: 'merge', expected: 0 },
    { a: 'mrege', b: 'merge', expected: 1 },
    { a: 'merg', b: 'merge', expected: 1 },
    { a: 'marge', b: 'merge', expected: 1 },
    { a: 'ab', b: 'ba', expected: 1 },
    // The unrestricted form: "ca" → "ac" → "abc" is 2; optimal string alignment would say 3.
    { a: 'ca', b: 'abc', expected: 2 },
    { a: 'kitten', b: 'sitting', expected: 3 },
  ];
  it.each(cases)('$a ↔ $b = $expected', ({ a, b, expected }) => {
    expect(damerauLevenshtein(a, b)).toBe(expected);
  });

  const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 7 });
  it('is a metric (identity, symmetry, triangle inequality)', () => {
    fc.assert(
      fc.property(word, word, word, (a, b, c) => {
        const ab = damerauLevenshtein(a, b);
        expect(ab === 0).toBe(a === b);
        expect(ab).toBe(damerauLevenshtein(b, a));
        expect(damerauLevenshtein(a, c)).toBeLessThanOrEqual(ab + damerauLevenshtein(b, c));
      }),
    );
  });

  it('is bounded by the longer length and by the length difference', () => {
    fc.assert(
      fc.property(word, word, (a, b) => {
        const d = damerauLevenshtein(a, b);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(d).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
      }),
    );
  });
});

describe('closestMatch', () => {
  const names = ['help', 'status', 'plan', 'merge', 'approve', 'abort', 'exec', 'cancel'];
  const cases = [
    { input: 'mrege', expected: 'merge' },
    { input: 'STATSU', expected: 'status' },
    { input: 'pln', expected: 'plan' },
    { input: 'appr', expected: 'approve' },
    { input: 'xyz', expected: undefined },
    { input: '', expected: undefined },
    { input: 'deploy', expected: undefined },
    // "hel" is one edit from "help" and nothing else: fine. "ab" is too short to mean anything.
    { input: 'hel', expected: 'help' },
    { input: 'ab', expected: undefined },
  ];
  it.each(cases)('$input → $expected', ({ input, expected }) => {
    expect(closestMatch(input, names)).toBe(expected);
  });

  it('refuses a tie', () => {
    expect(closestMatch('bat', ['cat', 'hat'])).toBeUndefined();
  });
});
