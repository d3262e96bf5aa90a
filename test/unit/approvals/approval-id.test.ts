import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  APPROVAL_ID_ALPHABET,
  isApprovalId,
  newApprovalId,
} from '../../../src/approvals/approval-id.ts';

describe('isApprovalId', () => {
  const cases = [
    { input: 'a7k2', expected: true },
    { input: 'A7K2', expected: true },
    { input: 'x3pq9zzz', expected: true },
    { input: 'abc', expected: false },
    { input: 'x3pq9zzzz', expected: false },
    { input: 'a0k2', expected: false },
    { input: 'a1k2', expected: false },
    { input: 'alk2', expected: false },
    { input: 'aok2', expected: false },
    { input: 'aik2', expected: false },
    { input: 'a7-2', expected: false },
    { input: '', expected: false },
  ];
  it.each(cases)('$input → $expected', ({ input, expected }) => {
    expect(isApprovalId(input)).toBe(expected);
  });
});

describe('newApprovalId', () => {
  it('is 4 characters of the alphabet, and never a taken one', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[2-9a-hjkmnp-z]{4}$/), { maxLength: 50 }),
        (taken) => {
          const id = newApprovalId(new Set(taken));
          expect(id).toHaveLength(4);
          expect(isApprovalId(id)).toBe(true);
          expect(taken).not.toContain(id);
        },
      ),
    );
  });

  it('uses the injected random source', () => {
    let i = 0;
    const id = newApprovalId(new Set(), () => i++ % APPROVAL_ID_ALPHABET.length);
    expect(id).toBe(APPROVAL_ID_ALPHABET.slice(0, 4));
  });

  it('grows longer when the short ids keep colliding', () => {
    const id = newApprovalId(new Set(['2222']), () => 0);
    expect(id).toBe('22222');
  });

  it('gives up loudly on a broken random source', () => {
    const taken = new Set(['2222', '22222', '222222', '2222222', '22222222']);
    expect(() => newApprovalId(taken, () => 0)).toThrow(
      expect.objectContaining({ code: 'APPROVAL_ID_EXHAUSTED' }),
    );
  });
});
