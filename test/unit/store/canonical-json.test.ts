import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/store/canonical-json.ts';

describe('canonicalJson', () => {
  it.each([
    { input: { b: 1, a: 2 }, expected: '{"a":2,"b":1}' },
    {
      input: { z: { y: [3, { d: 1, c: 2 }], x: null } },
      expected: '{"z":{"x":null,"y":[3,{"c":2,"d":1}]}}',
    },
    { input: [1, 'a', true], expected: '[1,"a",true]' },
    { input: { a: undefined, b: 1 }, expected: '{"b":1}' },
    { input: 'text', expected: '"text"' },
  ])('$expected', ({ input, expected }) => {
    expect(canonicalJson(input)).toBe(expected);
  });

  it('does not depend on insertion order', () => {
    expect(canonicalJson({ a: 1, b: { c: 2, d: 3 } })).toBe(
      canonicalJson({ b: { d: 3, c: 2 }, a: 1 }),
    );
  });
});
