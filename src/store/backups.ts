import { copyFile, link, open, readdir, unlink, constants } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseStampedName, stampedName, type StampKind } from './backup-name.ts';
import {
  backupsToDelete,
  type RetentionPolicy,
  DEFAULT_RETENTION,
  type DatedFile,
} from './backup-retention.ts';

/**
 * How a backup is made. `link` (default): a hard link to the current file. KO never changes a
 * file in place (every write renames a new file over the old one), so the linked inode keeps the
 * old content for free, with no copy and no fsync of data. `copy`: a byte copy plus fsync, for file
 * systems without hard links (FAT, some network shares); `link` falls back to it by itself.
 */
export type BackupMode = 'link' | 'copy';

const LINK_UNSUPPORTED = new Set([
  'EPERM',
  'ENOTSUP',
  'EOPNOTSUPP',
  'EXDEV',
  'EMLINK',
  'ENOSYS',
  'EACCES',
]);

/**
 * Keeps `file` aside as `<file>.<kind>-<stamp>` (unique even within one millisecond) and returns
 * the new path. The caller holds the store lock and fsyncs the folder afterwards.
 *
 * @example const path = await keepAside('.ko/experience.json', 'bak', new Date());
 */
export async function keepAside(
  file: string,
  kind: StampKind,
  now: Date,
  mode: BackupMode = 'link',
): Promise<string> {
  const dir = dirname(file);
  const base = basename(file);
  for (let counter = 0; counter < 100; counter += 1) {
    const target = join(dir, stampedName(base, kind, now, counter));
    try {
      if (mode === 'link') {
        try {
          await link(file, target);
          return target;
        } catch (error) {
          if (!LINK_UNSUPPORTED.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
        }
      }
      await copyFile(file, target, constants.COPYFILE_EXCL);
      const handle = await open(target, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      return target;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`could not find a free ${kind} name for ${file} in 100 tries`);
}

/**
 * The stamped files of one kind next to `file`, newest first (by the time in the name).
 *
 * @example const backups = await listStamped('.ko/experience.json', 'bak');
 */
export async function listStamped(
  file: string,
  kind: StampKind,
): Promise<Array<DatedFile & { path: string }>> {
  const dir = dirname(file);
  const base = basename(file);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const found: Array<DatedFile & { path: string }> = [];
  for (const name of names) {
    const time = parseStampedName(base, kind, name);
    if (time) found.push({ name, time, path: join(dir, name) });
  }
  return found.sort((a, b) => b.name.localeCompare(a.name));
}

/**
 * Deletes the backups the retention policy lets go; returns their names.
 *
 * @example await pruneBackups('.ko/experience.json', new Date(), { keepNewest: 10, keepDailyDays: 7 });
 */
export async function pruneBackups(
  file: string,
  now: Date,
  policy: RetentionPolicy = DEFAULT_RETENTION,
): Promise<string[]> {
  const doomed = backupsToDelete(await listStamped(file, 'bak'), now, policy);
  const dir = dirname(file);
  for (const backup of doomed) await unlink(join(dir, backup.name)).catch(() => undefined);
  return doomed.map((backup) => backup.name);
}
