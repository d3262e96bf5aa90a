// KO_JOB_RETENTION and the duration syntax it shares with `ko jobs prune --older-than`.
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../src/config/parse-duration.ts';
import { readJobRetention } from '../../../src/config/read-env-options.ts';

describe('parseDuration', () => {
  const cases: Array<{ input: string; expected: number | undefined }> = [
    { input: '14d', expected: 14 * 86_400_000 },
    { input: '36h', expected: 36 * 3_600_000 },
    { input: '2w', expected: 14 * 86_400_000 },
    { input: '90m', expected: 90 * 60_000 },
    { input: '45s', expected: 45_000 },
    { input: ' 7D ', expected: 7 * 86_400_000 },
    { input: '0d', expected: 0 },
    { input: '14', expected: undefined },
    { input: 'd', expected: undefined },
    { input: '1.5d', expected: undefined },
    { input: '-1d', expected: undefined },
    { input: '14 days', expected: undefined },
    { input: '1d2h', expected: undefined },
    { input: '', expected: undefined },
  ];
  it.each(cases)('$input → $expected', ({ input, expected }) => {
    expect(parseDuration(input)).toBe(expected);
  });
});

describe('readJobRetention', () => {
  const cases: Array<{ value: string | undefined; expected: number | null }> = [
    { value: undefined, expected: 14 * 86_400_000 },
    { value: '', expected: 14 * 86_400_000 },
    { value: '30d', expected: 30 * 86_400_000 },
    { value: '1h', expected: 3_600_000 },
    { value: 'off', expected: null },
    { value: 'OFF', expected: null },
  ];
  it.each(cases)('KO_JOB_RETENTION=$value → $expected', ({ value, expected }) => {
    expect(readJobRetention(value === undefined ? {} : { KO_JOB_RETENTION: value })).toBe(expected);
  });

  it.each(['59m', '0', '0d', 'soon', '14'])(
    'refuses KO_JOB_RETENTION=%s naming the variable',
    (value) => {
      expect(() => readJobRetention({ KO_JOB_RETENTION: value })).toThrow(
        expect.objectContaining({
          code: 'CONFIG_INVALID',
          details: { variable: 'KO_JOB_RETENTION' },
        }),
      );
    },
  );
});
