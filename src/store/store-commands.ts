import { isDeepStrictEqual } from 'node:util';
import { basename, dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { LogicError, PreconditionError } from '../../contracts/errors.ts';
import { keepAside, listStamped } from './backups.ts';
import { EXPERIENCE_FILE } from './experience-store.ts';
import { withFileLock } from './file-lock.ts';
import { fsyncDir } from './fsync-dir.ts';
import { readInspected } from './read-inspected.ts';
import { restoreExperience, type RestoreReport } from './restore-experience.ts';
import { readSqliteExperience, writeSqliteExperience } from './sqlite/sqlite-experience.ts';
import { corruptStoreError } from './store-errors.ts';

/** One line of `ko store list-backups` / `verify`. */
export interface FileStatus {
  name: string;
  kind: 'main' | 'bak' | 'corrupt';
  size: number;
  status: string;
}

function describe(found: Awaited<ReturnType<typeof readInspected>>): {
  size: number;
  status: string;
} {
  if (found.ok)
    return {
      size: found.size,
      status: `ok write_seq=${found.document.write_seq} written_at=${found.document.written_at}`,
    };
  if (found.problem === 'missing') return { size: 0, status: 'missing' };
  return { size: found.size, status: `${found.problem}: ${found.detail}` };
}

/**
 * The main file, its backups and quarantined files, newest first, each with its state.
 *
 * @example const rows = await listStoreFiles('.ko');
 */
export async function listStoreFiles(dataDir: string): Promise<FileStatus[]> {
  const file = join(dataDir, EXPERIENCE_FILE);
  const rows: FileStatus[] = [
    { name: EXPERIENCE_FILE, kind: 'main', ...describe(await readInspected(file)) },
  ];
  for (const kind of ['bak', 'corrupt'] as const) {
    for (const entry of await listStamped(file, kind))
      rows.push({ name: entry.name, kind, ...describe(await readInspected(entry.path)) });
  }
  return rows;
}

/**
 * Checks the main file; throws STORE_CORRUPT (PRECONDITION) when it is unusable.
 *
 * @example const status = await verifyStore('.ko');
 */
export async function verifyStore(dataDir: string): Promise<FileStatus[]> {
  const rows = await listStoreFiles(dataDir);
  const found = await readInspected(join(dataDir, EXPERIENCE_FILE));
  if (!found.ok) {
    if (found.problem === 'missing') {
      throw new PreconditionError(
        'STORE_MISSING',
        `${join(dataDir, EXPERIENCE_FILE)} does not exist`,
        {
          hint: 'check --data-dir / KO_DATA_DIR; `ko store restore` brings back a backup',
        },
      );
    }
    throw corruptStoreError(join(dataDir, EXPERIENCE_FILE), found);
  }
  return rows;
}

/**
 * Takes a backup of a valid main file now, under the store lock; returns its path.
 *
 * @example const path = await backupStore('.ko');
 */
export async function backupStore(dataDir: string): Promise<string> {
  const file = join(dataDir, EXPERIENCE_FILE);
  return withFileLock(file, async () => {
    const found = await readInspected(file);
    if (!found.ok) {
      if (found.problem === 'missing')
        throw new PreconditionError('STORE_MISSING', `${file} does not exist`, {
          hint: 'nothing to back up',
        });
      throw corruptStoreError(file, found);
    }
    // A copy, not a link: an operator's backup should stay a backup even if it is moved elsewhere.
    const path = await keepAside(file, 'bak', new Date(), 'copy');
    await fsyncDir(dirname(file));
    return path;
  });
}

/**
 * Restores `from` (or the newest valid backup) under the store lock.
 *
 * @example const report = await restoreStore('.ko', undefined, logger);
 */
export async function restoreStore(
  dataDir: string,
  from: string | undefined,
  logger: Logger,
): Promise<RestoreReport> {
  const file = join(dataDir, EXPERIENCE_FILE);
  return withFileLock(file, () =>
    restoreExperience({ file, logger, ...(from === undefined ? {} : { from }) }),
  );
}

/**
 * Copies the valid main file into a new SQLite file, reads it back and compares; throws
 * LogicError SQLITE_ROUND_TRIP when anything differs.
 *
 * @example const result = await migrateStoreToSqlite('.ko', '.ko/experience.sqlite');
 */
export async function migrateStoreToSqlite(
  dataDir: string,
  outFile: string,
): Promise<{ out: string; tables: string[]; rows: number }> {
  const file = join(dataDir, EXPERIENCE_FILE);
  const found = await readInspected(file);
  if (!found.ok) {
    if (found.problem === 'missing')
      throw new PreconditionError('STORE_MISSING', `${file} does not exist`, {
        hint: 'nothing to migrate',
      });
    throw corruptStoreError(file, found);
  }
  const summary = await writeSqliteExperience(found.document, outFile);
  const back = readSqliteExperience(outFile);
  if (!isDeepStrictEqual(back, found.document)) {
    throw new LogicError(
      'SQLITE_ROUND_TRIP',
      `${basename(outFile)} does not read back equal to ${EXPERIENCE_FILE}`,
      {
        hint: 'keep using experience.json and report this as a bug',
      },
    );
  }
  return { out: outFile, ...summary };
}
