import {
  closeSync,
  existsSync,
  fdatasync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { SyncPlacement } from './sync-placement.ts';

/** Where an appended line sits in the file, and a promise for its durability. */
interface AppendReceipt {
  offset: number;
  bytes: number;
  /** Resolves once the line is on disk (at once for `durable: false`). */
  written: Promise<void>;
}

/** One parseable line of a log and where it sits. */
interface ScannedLine {
  record: unknown;
  offset: number;
  bytes: number;
}

/**
 * An append-only JSONL file with group commit. Every line is written to the file at once (one
 * `write`, no thread-pool hop); a durable append resolves only after an fdatasync that started
 * after its write, and appends that arrive while a sync is in flight share the next one. Non-
 * durable appends never cause a sync of their own: they reach the disk with the next durable one.
 * Used by the hub's job queue and by the runner's spool (one implementation of "on disk before
 * anyone acts on it").
 *
 * @example
 * const log = DurableLog.open('.ko/jobs.jsonl');
 * await log.append({ t: 'submit', id: 'j1' }); // on disk when this resolves
 * await log.append({ t: 'note' }, { durable: false }); // in the page cache; synced with the next
 */
export class DurableLog {
  readonly #fd: number;
  readonly #placement: SyncPlacement;
  #size: number;
  #syncs = 0;
  #waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  #syncing = false;
  #closed = false;
  /** After a failed write or fdatasync the file's state is unknown: every later append fails. */
  #failed: Error | undefined;

  private constructor(fd: number, size: number, placement: SyncPlacement) {
    this.#fd = fd;
    this.#size = size;
    this.#placement = placement;
  }

  /**
   * Opens (or creates) a log for appending; a torn last line from a crash is cut off first.
   * `placement` decides where syncs run; pass the same one to every log of a component, so what
   * it learned about the disk carries over (default: a new one, 1 ms).
   */
  static open(path: string, options: { placement?: SyncPlacement } = {}): DurableLog {
    mkdirSync(dirname(path), { recursive: true });
    const isNew = !existsSync(path);
    const fd = openSync(path, 'a+', 0o600);
    if (isNew) fsyncDirSync(dirname(path));
    const size = fstatSync(fd).size;
    const whole = endOfLastLine(fd, size);
    if (whole < size) {
      // Never acknowledged (its sync had not finished), and a next line must not be glued to it.
      ftruncateSync(fd, whole);
      fsyncSync(fd);
    }
    return new DurableLog(fd, whole, options.placement ?? new SyncPlacement());
  }

  /** Every parseable line of a log; a torn line (crash mid-write) is dropped. */
  static readLines(path: string): unknown[] {
    return DurableLog.scan(path).map((line) => line.record);
  }

  /** Every parseable line of a log with its byte offset and length (newline included). */
  static scan(path: string): ScannedLine[] {
    if (!existsSync(path)) return [];
    const data = readFileSync(path);
    const out: ScannedLine[] = [];
    let start = 0;
    while (start < data.length) {
      const newline = data.indexOf(0x0a, start);
      const end = newline < 0 ? data.length : newline + 1;
      const text = data.toString('utf8', start, newline < 0 ? end : newline);
      if (text.trim() !== '') {
        try {
          out.push({ record: JSON.parse(text), offset: start, bytes: end - start });
        } catch {
          // Only an unsynced tail can be torn: each line is one write, acked after its sync.
        }
      }
      start = end;
    }
    return out;
  }

  /** fdatasyncs done so far (each covers every append before it). */
  get syncs(): number {
    return this.#syncs;
  }

  /** Bytes in the file: where the next line will start. */
  get size(): number {
    return this.#size;
  }

  append(record: unknown, options: { durable?: boolean } = {}): Promise<void> {
    try {
      return this.appendRecord(record, options).written;
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** Like `append`, and says where the line went (throws at once when it cannot be written). */
  appendRecord(record: unknown, options: { durable?: boolean } = {}): AppendReceipt {
    if (this.#closed) throw new Error('durable log is closed');
    if (this.#failed) throw new Error('durable log failed earlier', { cause: this.#failed });
    const line = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    const offset = this.#size;
    try {
      let done = 0;
      while (done < line.length) done += writeSync(this.#fd, line, done, line.length - done);
    } catch (error) {
      this.#fail(error as Error, offset);
      throw error;
    }
    this.#size += line.length;
    const written = options.durable === false ? Promise.resolve() : this.sync();
    return { offset, bytes: line.length, written };
  }

  /** Resolves once everything appended so far is on disk. */
  sync(): Promise<void> {
    if (this.#failed)
      return Promise.reject(new Error('durable log failed earlier', { cause: this.#failed }));
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      if (!this.#syncing) void this.#syncLoop();
    });
  }

  /** Reads back the record at `offset` (from `appendRecord` or `scan`). */
  readAt(offset: number, bytes: number): unknown {
    const buffer = Buffer.alloc(bytes);
    let done = 0;
    while (done < bytes) {
      const n = readSync(this.#fd, buffer, done, bytes - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    return JSON.parse(buffer.toString('utf8', 0, done));
  }

  async #syncLoop(): Promise<void> {
    this.#syncing = true;
    while (this.#waiters.length > 0) {
      const place = this.#placement.next();
      // On the loop: appends still to come in this turn join the batch first.
      if (place === 'loop') await new Promise((resolve) => setImmediate(resolve));
      const batch = this.#waiters;
      this.#waiters = [];
      try {
        if (place === 'loop') {
          const start = performance.now();
          fdatasyncSync(this.#fd);
          this.#placement.record(performance.now() - start);
        } else
          await new Promise<void>((res, rej) => fdatasync(this.#fd, (e) => (e ? rej(e) : res())));
        this.#syncs += 1;
        for (const waiter of batch) waiter.resolve();
      } catch (error) {
        // After a failed fdatasync the kernel may have dropped the dirty pages: nothing written
        // since the last good sync can be trusted, so the log refuses further work.
        this.#fail(error as Error);
        for (const waiter of [...batch, ...this.#waiters]) waiter.reject(error as Error);
        this.#waiters = [];
      }
    }
    this.#syncing = false;
  }

  #fail(error: Error, truncateTo?: number): void {
    if (truncateTo !== undefined) {
      try {
        // A partial line must not be glued to the next one; if this fails too, the log is done.
        ftruncateSync(this.#fd, truncateTo);
        return;
      } catch {
        // fall through
      }
    }
    this.#failed = error;
  }

  /** Waits for pending syncs, then closes the file. */
  async close(): Promise<void> {
    while (this.#syncing || this.#waiters.length > 0) await new Promise((r) => setImmediate(r));
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }
}

/** The length of the file up to and including its last newline. */
function endOfLastLine(fd: number, size: number): number {
  const block = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - block.length);
    const n = readSync(fd, block, 0, end - start, start);
    const newline = block.subarray(0, n).lastIndexOf(0x0a);
    if (newline >= 0) return start + newline + 1;
    end = start;
  }
  return 0;
}

/** fsyncs a folder so a new file in it survives a crash (Windows cannot open folders: NTFS journals it). */
export function fsyncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // not supported on this platform
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
