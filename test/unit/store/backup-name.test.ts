import { describe, expect, it } from 'vitest';
import {
  formatStamp,
  parseStamp,
  parseStampedName,
  stampedName,
} from '../../../src/store/backup-name.ts';

describe('backup stamps', () => {
  it.each([
    { time: '2026-11-27T13:39:04.123Z', counter: 0, expected: '2026-11-27T13-39-04-123Z-00' },
    { time: '2026-01-02T03:04:05.006Z', counter: 7, expected: '2026-01-02T03-04-05-006Z-07' },
    { time: '1999-12-31T23:59:59.999Z', counter: 99, expected: '1999-12-31T23-59-59-999Z-99' },
  ])('formats $time #$counter as $expected and parses it back', ({ time, counter, expected }) => {
    const stamp = formatStamp(new Date(time), counter);
    expect(stamp).toBe(expected);
    expect(stamp).not.toMatch(/[:/\\]/);
    expect(parseStamp(stamp)?.toISOString()).toBe(time);
  });

  it.each([
    '',
    '2026-11-27T13:39:04.123Z',
    '2026-11-27T13-39-04-123Z',
    '2026-13-45T99-99-99-999Z-00',
    'x2026-11-27T13-39-04-123Z-00',
  ])('rejects %j', (stamp) => {
    expect(parseStamp(stamp)).toBeUndefined();
  });

  it('sorts names by time as plain strings', () => {
    const times = [
      '2026-11-27T13:39:04.123Z',
      '2026-11-27T13:39:04.124Z',
      '2026-11-28T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ];
    const names = times.map((t, i) => stampedName('experience.json', 'bak', new Date(t), i % 2));
    expect([...names].reverse().sort()).toEqual(names);
  });

  it.each([
    { kind: 'bak' as const, name: 'experience.json.bak-2026-11-27T13-39-04-123Z-00', ok: true },
    {
      kind: 'corrupt' as const,
      name: 'experience.json.bak-2026-11-27T13-39-04-123Z-00',
      ok: false,
    },
    { kind: 'bak' as const, name: 'other.json.bak-2026-11-27T13-39-04-123Z-00', ok: false },
    { kind: 'bak' as const, name: '.experience.json.123.abc.tmp', ok: false },
    {
      kind: 'corrupt' as const,
      name: 'experience.json.corrupt-2026-11-27T13-39-04-123Z-01',
      ok: true,
    },
  ])('parseStampedName($kind, $name) recognised: $ok', ({ kind, name, ok }) => {
    expect(parseStampedName('experience.json', kind, name) !== undefined).toBe(ok);
  });
});
