import {
  closeSync,
  existsSync,
  fdatasync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from 'node:fs';
import type { ChunkRecord, ChunkSink } from './chunk-sink.ts';

export interface FileChunkSinkPaths {
  /** The assembled bytes, each chunk written at its offset. */
  data: string;
  /** One line per stored chunk (`seq offset size sha256`), so a restarted receiver resumes. */
  index: string;
}

const RECORD_LINE = /^(\d+) (\d+) (\d+) ([0-9a-f]{64})$/;

/** Read-back buffer shared by all file sinks: reads are synchronous and used at once. */
let readBuffer = Buffer.alloc(0);

/**
 * An Assembler sink that keeps the whole on disk, never in memory: chunks are written at their
 * offset (so arrival order does not matter) and listed in an index file. The index is not synced
 * (a lost line only means that chunk is fetched again); call `sync()` before telling the sender
 * it may drop its copy.
 *
 * @example
 * const sink = new FileChunkSink({ data: 'out/stdout.out', index: 'out/stdout.idx' });
 * const assembler = new Assembler({ sink }); // resumes from what the index lists
 */
export class FileChunkSink implements ChunkSink {
  readonly #paths: FileChunkSinkPaths;
  readonly #fd: number;
  readonly #indexFd: number;
  #dirty = false;
  #closed = false;

  constructor(paths: FileChunkSinkPaths) {
    this.#paths = paths;
    this.#fd = openSync(paths.data, existsSync(paths.data) ? 'r+' : 'w+', 0o600);
    this.#indexFd = openSync(paths.index, 'a', 0o600);
  }

  /** The records of the index; lines that are not whole records (a torn last line, an older format) are skipped. */
  held(): ChunkRecord[] {
    const records: ChunkRecord[] = [];
    for (const line of readFileSync(this.#paths.index, 'utf8').split('\n')) {
      const match = RECORD_LINE.exec(line);
      if (!match) continue;
      records.push({
        seq: Number(match[1]),
        offset: Number(match[2]),
        size: Number(match[3]),
        sha256: match[4] as string,
      });
    }
    return records;
  }

  write(record: ChunkRecord, data: Buffer): void {
    if (data.length > 0) {
      writeSync(this.#fd, data, 0, data.length, record.offset);
      this.#dirty = true;
    }
    writeSync(this.#indexFd, `${record.seq} ${record.offset} ${record.size} ${record.sha256}\n`);
  }

  read(offset: number, size: number): Buffer {
    if (readBuffer.length < size) readBuffer = Buffer.allocUnsafe(size);
    let done = 0;
    while (done < size) {
      const n = readSync(this.#fd, readBuffer, done, size - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    return readBuffer.subarray(0, done);
  }

  /** Makes the written bytes durable; asynchronous, so many transfers ending at once do not stall the loop. */
  async sync(): Promise<void> {
    if (!this.#dirty || this.#closed) return;
    this.#dirty = false;
    await new Promise<void>((resolve, reject) =>
      fdatasync(this.#fd, (error) => (error ? reject(error) : resolve())),
    );
  }

  /** Closes both files (they stay on disk), syncing the data first if it changed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#dirty) fsyncSync(this.#fd);
    closeSync(this.#fd);
    closeSync(this.#indexFd);
  }
}
