/**
 * Which backups to keep. Defaults: the newest 10, plus the newest backup of each of the last 7
 * UTC days, so a bad write noticed a few days later can still be undone while a busy store
 * does not grow without bound.
 */
export interface RetentionPolicy {
  /** Keep this many newest backups. Default 10; at least 1. */
  keepNewest: number;
  /** Also keep the newest backup of each UTC day for this many days back from `now`. Default 7; 0 turns it off. */
  keepDailyDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { keepNewest: 10, keepDailyDays: 7 };

export interface DatedFile {
  name: string;
  time: Date;
}

const DAY_MS = 86_400_000;

/**
 * The backups the policy lets go, oldest first. Pure: the caller deletes them.
 *
 * @example backupsToDelete(list, new Date(), { keepNewest: 10, keepDailyDays: 7 })
 */
export function backupsToDelete(
  backups: readonly DatedFile[],
  now: Date,
  policy: RetentionPolicy = DEFAULT_RETENTION,
): DatedFile[] {
  const newestFirst = [...backups].sort((a, b) => b.name.localeCompare(a.name));
  const keep = new Set<string>();
  for (const backup of newestFirst.slice(0, Math.max(1, policy.keepNewest))) keep.add(backup.name);
  if (policy.keepDailyDays > 0) {
    const todayStart = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
    const oldestDay = todayStart - (policy.keepDailyDays - 1) * DAY_MS;
    const seenDays = new Set<number>();
    for (const backup of newestFirst) {
      const day = Math.floor(backup.time.getTime() / DAY_MS) * DAY_MS;
      if (day < oldestDay || seenDays.has(day)) continue;
      seenDays.add(day);
      keep.add(backup.name);
    }
  }
  return newestFirst.filter((backup) => !keep.has(backup.name)).reverse();
}
