const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/**
 * A duration written as a whole number and one unit (`s`, `m`, `h`, `d`, `w`), in ms; undefined
 * when the text is not one. Used for ages (KO_JOB_RETENTION, `ko jobs prune --older-than`).
 *
 * @example parseDuration('14d') // 1209600000
 */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d{1,9})\s*([smhdw])\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = match[2]!.toLowerCase() as keyof typeof UNIT_MS;
  return Number(match[1]) * UNIT_MS[unit];
}
