/**
 * Backup and quarantine file names: `<file>.bak-2026-11-27T13-39-04-123Z-00`.
 * UTC, fixed width, no colons (Windows forbids them), so names sort by time as plain strings;
 * the two-digit counter keeps names unique when two backups fall in the same millisecond.
 */
const STAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z-(\d{2})$/;

export type StampKind = 'bak' | 'corrupt';

/**
 * The filename-safe, sortable stamp for a time and a counter.
 *
 * @example formatStamp(new Date('2026-11-27T13:39:04.123Z'), 0) // '2026-11-27T13-39-04-123Z-00'
 */
export function formatStamp(time: Date, counter: number): string {
  const iso = time.toISOString(); // 2026-11-27T13:39:04.123Z
  return `${iso.slice(0, 10)}T${iso.slice(11, 13)}-${iso.slice(14, 16)}-${iso.slice(17, 19)}-${iso.slice(20, 23)}Z-${String(counter).padStart(2, '0')}`;
}

/**
 * The time a stamp stands for, or undefined when it is not one of ours.
 *
 * @example parseStamp('2026-11-27T13-39-04-123Z-00')?.toISOString() // '2026-11-27T13:39:04.123Z'
 */
export function parseStamp(stamp: string): Date | undefined {
  const match = STAMP.exec(stamp);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, ms] = match;
  const time = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
  return Number.isNaN(time.getTime()) ? undefined : time;
}

/**
 * `experience.json.bak-<stamp>` or `experience.json.corrupt-<stamp>`.
 *
 * @example stampedName('experience.json', 'bak', new Date(), 0)
 */
export function stampedName(
  baseName: string,
  kind: StampKind,
  time: Date,
  counter: number,
): string {
  return `${baseName}.${kind}-${formatStamp(time, counter)}`;
}

/**
 * The time in a stamped file name of the given kind, or undefined for any other name.
 *
 * @example parseStampedName('experience.json', 'bak', 'experience.json.bak-2026-11-27T13-39-04-123Z-00')
 */
export function parseStampedName(
  baseName: string,
  kind: StampKind,
  fileName: string,
): Date | undefined {
  const prefix = `${baseName}.${kind}-`;
  if (!fileName.startsWith(prefix)) return undefined;
  return parseStamp(fileName.slice(prefix.length));
}
