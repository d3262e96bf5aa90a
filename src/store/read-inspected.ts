import { readFile, stat } from 'node:fs/promises';
import { inspectExperience, type Inspection } from './inspect-experience.ts';

export type FileInspection =
  | (Inspection & { bytes: Buffer; size: number; mtime: Date })
  | { ok: false; problem: 'missing'; detail: string; partial: undefined };

/**
 * Reads and inspects an experience file (or a backup of one); a missing file is a result, not an error.
 *
 * @example const found = await readInspected('.ko/experience.json');
 */
export async function readInspected(file: string): Promise<FileInspection> {
  let bytes: Buffer;
  let info;
  try {
    [bytes, info] = await Promise.all([readFile(file), stat(file)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return {
        ok: false,
        problem: 'missing',
        detail: `${file} does not exist`,
        partial: undefined,
      };
    }
    throw error;
  }
  return { ...inspectExperience(bytes), bytes, size: bytes.length, mtime: info.mtime };
}
