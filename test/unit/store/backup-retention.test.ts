import { describe, expect, it } from 'vitest';
import { stampedName } from '../../../src/store/backup-name.ts';
import { backupsToDelete, type DatedFile } from '../../../src/store/backup-retention.ts';

function at(iso: string, counter = 0): DatedFile {
  const time = new Date(iso);
  return { name: stampedName('experience.json', 'bak', time, counter), time };
}

const now = new Date('2026-11-27T12:00:00.000Z');

describe('backupsToDelete', () => {
  it.each([
    {
      label: 'nothing to prune',
      backups: [at('2026-11-27T10:00:00.000Z')],
      policy: { keepNewest: 3, keepDailyDays: 0 },
      deleted: [],
    },
    {
      label: 'keeps the newest N only',
      backups: [
        at('2026-11-27T10:00:00.000Z'),
        at('2026-11-27T11:00:00.000Z'),
        at('2026-11-27T09:00:00.000Z'),
        at('2026-11-27T08:00:00.000Z'),
      ],
      policy: { keepNewest: 2, keepDailyDays: 0 },
      deleted: ['2026-11-27T08:00:00.000Z', '2026-11-27T09:00:00.000Z'],
    },
    {
      label: 'keeps the newest of each day within D days',
      backups: [
        at('2026-11-27T11:00:00.000Z'),
        at('2026-11-27T10:00:00.000Z'),
        at('2026-11-26T23:00:00.000Z'),
        at('2026-11-26T01:00:00.000Z'),
        at('2026-11-25T05:00:00.000Z'),
        at('2026-11-20T05:00:00.000Z'),
      ],
      policy: { keepNewest: 1, keepDailyDays: 3 },
      deleted: ['2026-11-20T05:00:00.000Z', '2026-11-26T01:00:00.000Z', '2026-11-27T10:00:00.000Z'],
    },
    {
      label: 'keepNewest 0 still keeps one',
      backups: [at('2026-11-27T10:00:00.000Z'), at('2026-11-27T11:00:00.000Z')],
      policy: { keepNewest: 0, keepDailyDays: 0 },
      deleted: ['2026-11-27T10:00:00.000Z'],
    },
    {
      label: 'same millisecond: the higher counter is newer',
      backups: [at('2026-11-27T10:00:00.000Z', 0), at('2026-11-27T10:00:00.000Z', 1)],
      policy: { keepNewest: 1, keepDailyDays: 0 },
      deleted: ['2026-11-27T10:00:00.000Z'],
    },
  ])('$label', ({ backups, policy, deleted }) => {
    const result = backupsToDelete(backups, now, policy).map((b) => b.time.toISOString());
    expect(result).toEqual(deleted);
  });

  it('uses the documented defaults (10 newest, 7 days)', () => {
    const hourly = Array.from({ length: 24 * 10 }, (_, i) =>
      at(new Date(now.getTime() - i * 3_600_000).toISOString()),
    );
    const kept = hourly.length - backupsToDelete(hourly, now).length;
    // 10 newest (all today) + newest of each of the 6 earlier days in the 7-day window.
    expect(kept).toBe(16);
  });
});
