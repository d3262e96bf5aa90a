import { mkdir, readdir, unlink } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Low } from 'lowdb';
import type { Logger } from 'pino';
import { listStamped, type BackupMode } from './backups.ts';
import { DEFAULT_RETENTION, type RetentionPolicy } from './backup-retention.ts';
import { ExperienceFileAdapter } from './experience-adapter.ts';
import { emptyExperience, type ExperienceData } from './experience-types.ts';
import { withFileLock, type LockOptions } from './file-lock.ts';
import { readInspected } from './read-inspected.ts';
import { restoreExperience, type RestoreReport } from './restore-experience.ts';
import { corruptStoreError, missingStoreError } from './store-errors.ts';

export const EXPERIENCE_FILE = 'experience.json';

export interface OpenStoreOptions {
  /** Folder that holds experience.json, its backups and its lock. Created if missing. */
  dataDir: string;
  logger: Logger;
  /** Restore the newest valid backup when the main file is bad or missing (the --recover flag). Default false. */
  recover?: boolean;
  /** Backup retention; default keep the newest 10 and one per UTC day for 7 days. */
  retention?: RetentionPolicy;
  /** Default 'link' (see backups.ts). */
  backupMode?: BackupMode;
  lock?: LockOptions;
  /** Default true. Only benchmarks turn it off. */
  fsync?: boolean;
  /** Clock, for tests of retention and file names. */
  now?: () => Date;
}

/**
 * KO's experience store: lowdb over an adapter that writes atomically with a backup, under a
 * cross-process lock. Use `update` for every change; it re-reads the file under the lock, so
 * writers in several processes never lose each other's updates.
 */
export class ExperienceStore {
  readonly file: string;
  readonly db: Low<ExperienceData>;
  /** Set when `open` restored a backup. */
  readonly recovery: RestoreReport | undefined;
  readonly #adapter: ExperienceFileAdapter;
  readonly #lock: LockOptions;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    adapter: ExperienceFileAdapter,
    lock: LockOptions,
    recovery: RestoreReport | undefined,
  ) {
    this.file = adapter.file;
    this.#adapter = adapter;
    this.#lock = lock;
    this.db = new Low(adapter, emptyExperience());
    this.recovery = recovery;
  }

  /**
   * Opens (or creates) the store in `dataDir`. A bad or missing-with-backups main file throws a
   * PreconditionError unless `recover` is set; it is never overwritten blindly.
   *
   * @example const store = await ExperienceStore.open({ dataDir: '.ko', logger });
   */
  static async open(options: OpenStoreOptions): Promise<ExperienceStore> {
    const dataDir = resolve(options.dataDir);
    await mkdir(dataDir, { recursive: true });
    const file = join(dataDir, EXPERIENCE_FILE);
    const lock = options.lock ?? {};
    const adapter = new ExperienceFileAdapter({
      file,
      logger: options.logger,
      retention: options.retention ?? DEFAULT_RETENTION,
      backupMode: options.backupMode ?? 'link',
      fsync: options.fsync ?? true,
      now: options.now ?? (() => new Date()),
    });
    const recovery = await withFileLock(
      file,
      async (guard) => {
        await removeOrphanTemps(file);
        const found = await readInspected(file);
        let report: RestoreReport | undefined;
        if (!found.ok) {
          const backups = await listStamped(file, 'bak');
          const missing = found.problem === 'missing';
          if (missing && backups.length === 0) {
            await adapter.commit(emptyExperience(), guard);
            options.logger.info({ event: 'store.created', file }, `created ${file}`);
          } else if (!options.recover) {
            throw missing
              ? missingStoreError(file, backups.length)
              : corruptStoreError(file, found);
          } else {
            report = await restoreExperience({
              file,
              logger: options.logger,
              now: options.now,
              backupMode: options.backupMode,
              fsync: options.fsync,
            });
          }
        }
        await adapter.readLocked();
        if (adapter.migratedFrom !== undefined) {
          options.logger.warn(
            { event: 'store.migrated', file, from: adapter.migratedFrom },
            `migrated ${file} from schema version ${adapter.migratedFrom}`,
          );
          await adapter.commit(adapter.lastRead ?? emptyExperience(), guard);
        }
        return report;
      },
      lock,
    );
    const store = new ExperienceStore(adapter, lock, recovery);
    await store.db.read();
    return store;
  }

  /** The data as last read or written by this process. */
  get data(): ExperienceData {
    return this.db.data;
  }

  /** The write_seq of the data this process last saw. */
  get writeSeq(): number {
    return this.#adapter.seenSeq;
  }

  /** Re-reads the file (no lock needed: writes are atomic renames). */
  async read(): Promise<ExperienceData> {
    await this.db.read();
    return this.db.data;
  }

  /**
   * Read-modify-write under the cross-process lock: re-reads the file, applies `fn` to the data
   * (mutate it, or return a value), writes it back with a backup. Calls in one process run one
   * after another.
   *
   * @example await store.update((data) => { data.counters.runs = (data.counters.runs ?? 0) + 1; });
   */
  async update<T>(fn: (data: ExperienceData) => T | Promise<T>): Promise<T> {
    const run = async (): Promise<T> =>
      withFileLock(
        this.file,
        async (guard) => {
          const data = await this.#adapter.readLocked();
          this.db.data = data;
          const result = await fn(data);
          await this.#adapter.commit(data, guard);
          return result;
        },
        this.#lock,
      );
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /**
   * lowdb-style write of the in-memory data. Refuses (ConflictError STORE_STALE) when another
   * writer committed since this process last read, instead of silently overwriting its work.
   *
   * @example store.data.counters.x = 1; await store.write();
   */
  async write(): Promise<void> {
    const run = async (): Promise<void> => this.db.write();
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }
}

/** Temp files are only written under the lock, so any found while holding it belong to a dead writer. */
async function removeOrphanTemps(file: string): Promise<void> {
  const dir = resolve(file, '..');
  const prefix = `.${basename(file)}.`;
  for (const name of await readdir(dir)) {
    if (name.startsWith(prefix) && name.endsWith('.tmp'))
      await unlink(join(dir, name)).catch(() => undefined);
  }
}
