import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import type { Logger } from 'pino';
import { ConflictError, PreconditionError } from '../../../contracts/errors.ts';
import { fsyncDir } from '../fsync-dir.ts';
import type { AuditHead } from '../experience-types.ts';
import { auditFileName, listAuditFiles } from './audit-files.ts';
import type { AuditHeadSink } from './audit-head.ts';
import {
  buildAuditRecord,
  GENESIS_HASH,
  type AuditInput,
  type AuditRecord,
} from './audit-record.ts';

export interface AuditLogOptions {
  /** Folder of the day files (`<data dir>/audit`). Created if missing. */
  dir: string;
  logger: Logger;
  /** Where the head is kept outside the files (normally `storeAuditHead(store)`). */
  head: AuditHeadSink;
  /** Masks secrets and PII in every string field before hashing (src/telemetry/mask.ts). Default: identity. */
  mask?: (text: string) => string;
  /**
   * `0` (default): fsync after every append, which resolves once the line is on disk.
   * `n > 0`: group commit, one fsync for all appends within n ms (each still resolves only after it).
   */
  fsyncBatchMs?: number;
  /**
   * `0` (default): update the head in the store after every append (one store write each).
   * `n > 0`: at most once per n ms and on close; a crash can then leave the head up to n ms behind
   * the file, which the next open accepts (the file may be ahead of the head, never behind).
   */
  headFlushMs?: number;
  now?: () => Date;
}

type Settings = Required<Omit<AuditLogOptions, 'mask' | 'now'>> &
  Pick<AuditLogOptions, 'mask' | 'now'>;

/**
 * The append-only, hash-chained audit log. One writer at a time (a lock held while open); records
 * go to `audit-YYYY-MM-DD.jsonl` by their UTC day and the chain runs on across days. KO never
 * rewrites or deletes a record.
 */
export class AuditLog {
  readonly #options: Settings;
  readonly #release: () => Promise<void>;
  #compromised: Error | undefined;
  #last: { seq: number; hash: string; time: string };
  #handle: { name: string; file: FileHandle } | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #pendingSync: Promise<void> | undefined;
  #headTimer: NodeJS.Timeout | undefined;
  #headDirty: AuditHead | undefined;
  #closed = false;

  private constructor(
    options: Settings,
    release: () => Promise<void>,
    last: { seq: number; hash: string; time: string },
  ) {
    this.#options = options;
    this.#release = release;
    this.#last = last;
  }

  /**
   * Takes the writer lock, finds the tail of the chain and checks it against the stored head.
   * Throws PreconditionError AUDIT_TRUNCATED when the files end before the head, AUDIT_TORN_TAIL
   * when the last line is cut off, ConflictError AUDIT_WRITER_BUSY when another writer holds the lock.
   *
   * @example const audit = await AuditLog.open({ dir: '.ko/audit', logger, head: storeAuditHead(store) });
   */
  static async open(options: AuditLogOptions): Promise<AuditLog> {
    const settings = { fsyncBatchMs: 0, headFlushMs: 0, ...options };
    await mkdir(settings.dir, { recursive: true });
    let compromised: Error | undefined;
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(settings.dir, {
        realpath: false,
        lockfilePath: join(settings.dir, 'writer.lock'),
        onCompromised: (error) => {
          compromised = error;
        },
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
        throw new ConflictError(
          'AUDIT_WRITER_BUSY',
          `another process is writing the audit log in ${settings.dir}`,
          {
            hint: 'KO allows one audit writer; stop the other KO process (a dead one releases the lock within 10 s)',
            cause: error,
          },
        );
      }
      throw error;
    }
    try {
      const tail = await readTail(settings.dir);
      const head = await settings.head.read();
      if (head && (!tail || tail.seq < head.seq)) {
        throw new PreconditionError(
          'AUDIT_TRUNCATED',
          `the audit log ends at seq ${tail?.seq ?? 0}, but the store recorded seq ${head.seq} in ${head.file}`,
          {
            hint: 'records were removed; run `ko audit verify` and restore the audit files from a host backup; KO will not write on a cut chain',
            details: { head, tail },
          },
        );
      }
      if (head && tail && tail.seq === head.seq && tail.hash !== head.hash) {
        throw new PreconditionError(
          'AUDIT_HEAD_MISMATCH',
          `audit record seq ${head.seq} does not have the hash the store recorded`,
          {
            hint: 'the log was rewritten; run `ko audit verify` and restore the audit files from a host backup',
            details: { head, tail },
          },
        );
      }
      const log = new AuditLog(settings, release, tail ?? { seq: 0, hash: GENESIS_HASH, time: '' });
      log.#compromised = compromised;
      return log;
    } catch (error) {
      await release();
      throw error;
    }
  }

  /** seq and hash of the last record. */
  get head(): { seq: number; hash: string } {
    return { seq: this.#last.seq, hash: this.#last.hash };
  }

  /**
   * Appends one record and resolves once it is on disk (and, by default, the head in the store).
   *
   * @example await audit.append({ actor: 'octocat', action: 'workflow.merge', target: 'o/r#1', outcome: 'ok', trace_id, corr_id });
   */
  async append(input: AuditInput): Promise<AuditRecord> {
    const written = this.#queue.then(() => this.#write(input));
    this.#queue = written.catch(() => undefined);
    const { record, handle } = await written;
    await this.#sync(handle);
    await this.#updateHead(record);
    return record;
  }

  /** Flushes, stores the head, releases the writer lock. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    if (this.#pendingSync) await this.#pendingSync;
    if (this.#headTimer) clearTimeout(this.#headTimer);
    if (this.#headDirty) await this.#options.head.write(this.#headDirty);
    if (this.#handle) {
      await this.#handle.file.sync();
      await this.#handle.file.close();
    }
    if (!this.#compromised) await this.#release();
  }

  async #write(input: AuditInput): Promise<{ record: AuditRecord; handle: FileHandle }> {
    if (this.#closed)
      throw new ConflictError('AUDIT_CLOSED', 'the audit log is closed', {
        hint: 'open a new AuditLog',
      });
    if (this.#compromised) {
      throw new ConflictError(
        'AUDIT_WRITER_LOCK_LOST',
        `lost the audit writer lock: ${this.#compromised.message}`,
        {
          hint: 'another process took over the audit log; restart KO',
        },
      );
    }
    const now = (this.#options.now ?? (() => new Date()))();
    // Time never runs backwards within the chain, even if the clock does.
    const time =
      this.#last.time && now.toISOString() < this.#last.time ? new Date(this.#last.time) : now;
    const record = buildAuditRecord(
      input,
      this.#last,
      time,
      this.#options.mask ?? ((text) => text),
    );
    const handle = await this.#handleFor(auditFileName(record.time));
    await handle.write(`${JSON.stringify(record)}\n`);
    this.#last = { seq: record.seq, hash: record.hash, time: record.time };
    return { record, handle };
  }

  async #handleFor(name: string): Promise<FileHandle> {
    if (this.#handle?.name === name) return this.#handle.file;
    if (this.#handle) {
      await this.#handle.file.sync();
      await this.#handle.file.close();
    }
    const file = await open(join(this.#options.dir, name), 'a', 0o600);
    await fsyncDir(this.#options.dir); // the new day file's name must survive a crash too
    this.#handle = { name, file };
    return file;
  }

  async #sync(handle: FileHandle): Promise<void> {
    const batchMs = this.#options.fsyncBatchMs;
    if (batchMs <= 0) return handle.sync();
    this.#pendingSync ??= new Promise<void>((resolve, reject) => {
      setTimeout(() => {
        this.#pendingSync = undefined;
        handle.sync().then(resolve, reject);
      }, batchMs);
    });
    return this.#pendingSync;
  }

  async #updateHead(record: AuditRecord): Promise<void> {
    const head: AuditHead = {
      seq: record.seq,
      hash: record.hash,
      file: auditFileName(record.time),
      time: record.time,
    };
    if (this.#options.headFlushMs <= 0) {
      await this.#options.head.write(head);
      return;
    }
    this.#headDirty = head;
    this.#headTimer ??= setTimeout(() => {
      this.#headTimer = undefined;
      const dirty = this.#headDirty;
      this.#headDirty = undefined;
      if (dirty) {
        this.#options.head.write(dirty).catch((error: unknown) => {
          this.#options.logger.error(
            { event: 'audit.head_write_failed', err: error },
            'could not store the audit head',
          );
        });
      }
    }, this.#options.headFlushMs);
    this.#headTimer.unref();
  }
}

/** The last record in the newest audit file that has one. */
async function readTail(
  dir: string,
): Promise<{ seq: number; hash: string; time: string } | undefined> {
  const files = await listAuditFiles(dir);
  for (const file of files.reverse()) {
    const text = await readFile(file, 'utf8');
    if (text.length === 0) continue;
    if (!text.endsWith('\n')) {
      throw new PreconditionError(
        'AUDIT_TORN_TAIL',
        `the last line of ${file} is incomplete: an append was cut off by a crash`,
        {
          hint: 'run `ko audit verify`; KO never rewrites audit records, so an operator must move the partial line aside and record why',
        },
      );
    }
    const lines = text.trimEnd().split('\n');
    try {
      const last = JSON.parse(lines[lines.length - 1] as string) as AuditRecord;
      if (
        typeof last.seq === 'number' &&
        typeof last.hash === 'string' &&
        typeof last.time === 'string'
      ) {
        return { seq: last.seq, hash: last.hash, time: last.time };
      }
    } catch {
      // reported below
    }
    throw new PreconditionError(
      'AUDIT_TAIL_INVALID',
      `the last line of ${file} is not an audit record`,
      {
        hint: 'run `ko audit verify` to find the first bad record; KO will not extend a damaged chain',
      },
    );
  }
  return undefined;
}
