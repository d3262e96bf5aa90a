import { randomInt } from 'node:crypto';
import { LogicError } from '../../contracts/errors.ts';

/** Lowercase letters and digits without the look-alikes 0/o, 1/l/i, so ids survive being read aloud. */
export const APPROVAL_ID_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
const ID_PATTERN = new RegExp(`^[${APPROVAL_ID_ALPHABET}]{4,8}$`);

/**
 * True when `value` (compared lowercase) has the shape of an approval id.
 *
 * @example isApprovalId('A7K2'); // true
 */
export function isApprovalId(value: string): boolean {
  return ID_PATTERN.test(value.toLowerCase());
}

/** Picks an index in [0, max); injectable so tests are deterministic. */
export type RandomIndex = (max: number) => number;

/**
 * A new short id (4 characters, growing to 5..8 only when the short space is crowded) that is not
 * in `taken`.
 *
 * @example newApprovalId(new Set(['a7k2'])); // e.g. 'x3pq'
 */
export function newApprovalId(
  taken: ReadonlySet<string>,
  random: RandomIndex = (max) => randomInt(max),
): string {
  for (let length = 4; length <= 8; length++) {
    for (let attempt = 0; attempt < 16; attempt++) {
      let id = '';
      for (let i = 0; i < length; i++)
        id += APPROVAL_ID_ALPHABET[random(APPROVAL_ID_ALPHABET.length)];
      if (!taken.has(id)) return id;
    }
  }
  throw new LogicError('APPROVAL_ID_EXHAUSTED', 'Could not find a free approval id', {
    hint: 'the id source is not random; check the injected random function',
  });
}
