import {
  closeSync,
  existsSync,
  fdatasync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  write,
} from 'node:fs';
import { dirname } from 'node:path';

interface Pending {
  line: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * An append-only JSONL file with group commit: every `append` resolves only after its line is
 * fdatasync'ed, and lines that arrive while a sync is in flight share the next one.
 *
 * @example
 * const log = DurableLog.open('.ko/jobs.jsonl');
 * await log.append({ t: 'submit', id: 'j1' }); // on disk when this resolves
 */
export class DurableLog {
  readonly #fd: number;
  #pending: Pending[] = [];
  #flushing = false;
  #closed = false;

  private constructor(fd: number) {
    this.#fd = fd;
  }

  static open(path: string): DurableLog {
    mkdirSync(dirname(path), { recursive: true });
    const isNew = !existsSync(path);
    const fd = openSync(path, 'a', 0o600);
    if (isNew) fsyncDirSync(dirname(path));
    return new DurableLog(fd);
  }

  /** Every parseable line of a log; a torn last line (crash mid-write) is dropped. */
  static readLines(path: string): unknown[] {
    if (!existsSync(path)) return [];
    const out: unknown[] = [];
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        out.push(JSON.parse(line));
      } catch {
        // Only the tail can be torn: append is the only writer and each line is one write.
      }
    }
    return out;
  }

  append(record: unknown): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('durable log is closed'));
    return new Promise((resolve, reject) => {
      this.#pending.push({ line: `${JSON.stringify(record)}\n`, resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      try {
        await writeAll(this.#fd, Buffer.from(batch.map((p) => p.line).join(''), 'utf8'));
        await new Promise<void>((res, rej) => fdatasync(this.#fd, (e) => (e ? rej(e) : res())));
        for (const p of batch) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error as Error);
      }
    }
    this.#flushing = false;
  }

  /** Waits for pending appends, then closes the file. */
  async close(): Promise<void> {
    while (this.#flushing || this.#pending.length > 0) await new Promise((r) => setImmediate(r));
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }
}

async function writeAll(fd: number, buffer: Buffer): Promise<void> {
  let offset = 0;
  while (offset < buffer.length) {
    offset += await new Promise<number>((res, rej) =>
      write(fd, buffer, offset, buffer.length - offset, null, (e, n) => (e ? rej(e) : res(n))),
    );
  }
}

/** fsyncs a folder so a new file in it survives a crash (Windows cannot open folders: NTFS journals it). */
function fsyncDirSync(dir: string): void {
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
