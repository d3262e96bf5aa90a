import type { Adapter } from 'lowdb';
import type { Logger } from 'pino';
import { ConflictError } from '../../contracts/errors.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { keepAside, pruneBackups, type BackupMode } from './backups.ts';
import type { RetentionPolicy } from './backup-retention.ts';
import { documentChecksum } from './checksum.ts';
import { CURRENT_SCHEMA_VERSION } from './experience-schema.ts';
import type { ExperienceData, ExperienceDocument } from './experience-types.ts';
import type { LockGuard } from './file-lock.ts';
import { withFileLock } from './file-lock.ts';
import { readInspected } from './read-inspected.ts';
import { corruptStoreError } from './store-errors.ts';

export interface AdapterSettings {
  file: string;
  logger: Logger;
  retention: RetentionPolicy;
  backupMode: BackupMode;
  fsync: boolean;
  now: () => Date;
}

/**
 * lowdb adapter for experience.json. Unlike lowdb's JSONFile (steno): a unique temp name per
 * write, fsync of file and folder, a backup of the previous version, a checksum and a schema
 * check on read, and a zero-byte or damaged file is an error rather than "no data".
 */
export class ExperienceFileAdapter implements Adapter<ExperienceData> {
  readonly file: string;
  /** write_seq of the document this process last read or wrote; -1 before any. */
  seenSeq = -1;
  /** The schema version the last read migrated from, if it migrated. */
  migratedFrom: number | undefined;
  lastRead: ExperienceData | undefined;
  readonly #settings: AdapterSettings;

  constructor(settings: AdapterSettings) {
    this.file = settings.file;
    this.#settings = settings;
  }

  /** lowdb's read: null when the file does not exist yet; throws STORE_CORRUPT when it is bad. */
  async read(): Promise<ExperienceData | null> {
    const found = await readInspected(this.file);
    if (!found.ok && found.problem === 'missing') return null;
    if (!found.ok) throw corruptStoreError(this.file, found);
    this.seenSeq = found.document.write_seq;
    this.migratedFrom = found.migratedFrom;
    this.lastRead = found.document.data;
    return found.document.data;
  }

  /** `read`, but a missing file counts as empty data (the caller holds the lock). */
  async readLocked(): Promise<ExperienceData> {
    const data = await this.read();
    if (data === null) throw new Error(`${this.file} vanished while locked`);
    return data;
  }

  /**
   * lowdb's write: takes the lock and commits, unless someone else committed since our last read.
   */
  async write(data: ExperienceData): Promise<void> {
    await withFileLock(this.file, async (guard) => {
      const found = await readInspected(this.file);
      const onDisk = found.ok ? found.document.write_seq : -1;
      if (found.ok && onDisk !== this.seenSeq) {
        throw new ConflictError(
          'STORE_STALE',
          `${this.file} is at write_seq ${onDisk}, but this process last saw ${this.seenSeq}`,
          {
            hint: 'use store.update(fn), which re-reads under the lock, instead of db.write()',
          },
        );
      }
      if (!found.ok && found.problem !== 'missing') throw corruptStoreError(this.file, found);
      await this.commit(data, guard);
    });
  }

  /**
   * Writes `data` as the next version: backup of the current file → atomic write → prune backups.
   * The caller holds the lock (the guard proves it until the rename).
   */
  async commit(data: ExperienceData, guard: LockGuard): Promise<void> {
    const { file, fsync, now } = this.#settings;
    const writtenAt = now();
    const fields = {
      schema_version: CURRENT_SCHEMA_VERSION,
      write_seq: this.seenSeq + 1,
      written_at: writtenAt.toISOString(),
      data,
    };
    const document: ExperienceDocument = { ...fields, checksum: documentChecksum(fields) };
    try {
      await keepAside(file, 'bak', writtenAt, this.#settings.backupMode);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // fsync of the folder after the rename also makes the backup's new name durable.
    await writeFileAtomic(file, `${JSON.stringify(document, null, 1)}\n`, {
      fsync,
      beforeRename: () => guard.assertHeld(),
    });
    this.seenSeq = document.write_seq;
    const pruned = await pruneBackups(file, writtenAt, this.#settings.retention);
    if (pruned.length > 0) {
      this.#settings.logger.debug(
        { event: 'store.backups_pruned', file, pruned },
        `pruned ${pruned.length} backup(s)`,
      );
    }
  }
}
