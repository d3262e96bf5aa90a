import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  type ReadStream,
} from 'node:fs';
import { join } from 'node:path';
import { Assembler } from '../../contracts/codec/assembler.ts';
import type { ChunkRecord, ChunkSink } from '../../contracts/codec/chunk-sink.ts';
import { FileChunkSink } from '../../contracts/codec/file-chunk-sink.ts';
import { KoProtocolError } from '../../contracts/codec/protocol-error.ts';
import { sha256Hex } from '../../contracts/codec/sha256.ts';
import type { ExecChunkBody, StreamSummary } from '../../contracts/ko-v1/generated/ko-v1.ts';

export type OutputStream = 'stdout' | 'stderr';

/**
 * stored / duplicate: taken; bad_hash: its bytes fail its sha256 (nack it); refused: it
 * contradicts chunks already held (the stream's sha256 check at the result sorts that out).
 */
type ChunkOutcome = 'stored' | 'duplicate' | 'bad_hash' | 'refused';

/** Where a stream stands against exec.result's summary of it. */
export type StreamCheck =
  | { state: 'missing'; missing: number[] }
  | { state: 'verified' }
  | { state: 'mismatch'; reason: string };

interface Transfer {
  assembler: Assembler;
  sink: LazyFileSink;
  /** A refused chunk contradicted what is held: the stream is fetched again at the result. */
  conflict: string | undefined;
}

/** A chunk.nack names at most this many seqs (chunk.nack.schema.json). */
const NACK_MAX = 10_000;
const EMPTY_SHA256 = sha256Hex(Buffer.alloc(0));

/**
 * A job's output reassembled on disk by the codec's Assembler, one file per stream
 * (`<dir>/<job>/<stream>.out`, chunks written at their offset, so order does not matter) with
 * `<stream>.idx` listing the stored chunks so a restarted hub resumes. Nothing is held in memory
 * but chunk records, and the stream's sha256 is computed as the chunks arrive.
 *
 * @example
 * const outputs = new OutputStore('.ko/outputs');
 * outputs.accept(jobId, chunkBody); // 'stored'
 * outputs.check(jobId, 'stdout', result.streams.stdout); // { state: 'missing', missing: [1] }
 */
export class OutputStore {
  readonly #dir: string;
  readonly #open = new Map<string, Transfer>();

  /**
   * Jobs with a folder here: those found at startup and those this process made one for. A job
   * outside it has no files, so its first chunk costs no existsSync (a syscall per chunk and per
   * empty stream on the hub's event loop).
   */
  readonly #onDisk: Set<string>;

  constructor(dir: string) {
    this.#dir = dir;
    this.#onDisk = new Set(listFolders(dir));
  }

  #paths(jobId: string, stream: OutputStream): { dir: string; data: string; index: string } {
    const dir = join(this.#dir, jobId);
    return { dir, data: join(dir, `${stream}.out`), index: join(dir, `${stream}.idx`) };
  }

  #transfer(jobId: string, stream: OutputStream): Transfer {
    const key = `${jobId}/${stream}`;
    let transfer = this.#open.get(key);
    if (transfer) return transfer;
    const sink = new LazyFileSink(this.#paths(jobId, stream), this.#onDisk.has(jobId), () =>
      this.#onDisk.add(jobId),
    );
    transfer = { sink, assembler: new Assembler({ sink }), conflict: undefined };
    this.#open.set(key, transfer);
    return transfer;
  }

  /** Stores one output chunk after checking its own sha256; a repeat is a no-op. */
  accept(jobId: string, chunk: ExecChunkBody): ChunkOutcome {
    const transfer = this.#transfer(jobId, chunk.stream as OutputStream);
    try {
      return transfer.assembler.add(chunk) === 'added' ? 'stored' : 'duplicate';
    } catch (error) {
      if (!(error instanceof KoProtocolError)) throw error;
      if (error.code === 'KO_CHUNK_HASH_MISMATCH') return 'bad_hash';
      // The runner's chunks are the truth (it keeps them until the ack): what is held is stale
      // (a job run again) or damaged, so the stream is fetched again when the result comes.
      transfer.conflict ??= error.message;
      return 'refused';
    }
  }

  /**
   * Compares a stream with exec.result's summary of it (chunks, bytes, sha256): the seqs still
   * to fetch, or whether the assembled bytes match.
   */
  check(jobId: string, stream: OutputStream, summary: StreamSummary): StreamCheck {
    if (summary.chunks === 0) return this.#checkEmpty(jobId, stream, summary);
    const { assembler, conflict } = this.#transfer(jobId, stream);
    if (conflict) return { state: 'mismatch', reason: conflict };
    try {
      assembler.expect({
        total: summary.chunks,
        wholeSha256: summary.sha256,
        wholeSize: summary.bytes,
      });
      const missing = assembler.missing(NACK_MAX);
      if (missing.length > 0) return { state: 'missing', missing };
      assembler.verify();
      return { state: 'verified' };
    } catch (error) {
      if (!(error instanceof KoProtocolError)) throw error;
      return { state: 'mismatch', reason: error.message };
    }
  }

  /**
   * A stream the runner reports with no chunks produced nothing: nothing is fetched, and what an
   * earlier attempt of the job left is dropped so the job's output reads as empty.
   */
  #checkEmpty(jobId: string, stream: OutputStream, summary: StreamSummary): StreamCheck {
    // Whatever is held is from an earlier attempt: it must not be served as this one's output.
    if (this.#onDisk.has(jobId)) this.reset(jobId, stream);
    if (summary.bytes !== 0 || summary.sha256 !== EMPTY_SHA256)
      return {
        state: 'mismatch',
        reason: `${stream} has no chunks but reports ${summary.bytes} bytes and sha256 ${summary.sha256}`,
      };
    return { state: 'verified' };
  }

  /** Forgets a stream's chunks (after a whole-stream hash mismatch) so all are fetched again. */
  reset(jobId: string, stream: OutputStream): void {
    this.#close(jobId, stream);
    const paths = this.#paths(jobId, stream);
    rmSync(paths.data, { force: true });
    rmSync(paths.index, { force: true });
  }

  /**
   * Makes a job's output bytes durable before its result is acknowledged (the runner drops its
   * copy on the ack). Asynchronous, so many jobs finishing at once do not stall the event loop;
   * the .idx files are not synced: they only matter for a transfer still in progress.
   */
  async flush(jobId: string): Promise<void> {
    await Promise.all(
      (['stdout', 'stderr'] as const).map((stream) =>
        this.#open.get(`${jobId}/${stream}`)?.sink.sync(),
      ),
    );
  }

  /** Closes a job's files before its folder is deleted (retention), and forgets the folder. */
  forget(jobId: string): void {
    this.release(jobId);
    this.#onDisk.delete(jobId);
  }

  /** Closes a finished job's files (they stay on disk). */
  release(jobId: string): void {
    this.#close(jobId, 'stdout');
    this.#close(jobId, 'stderr');
  }

  /** A stream's bytes for the exec API, or undefined when nothing arrived. */
  read(jobId: string, stream: OutputStream, bytes?: number): ReadStream | undefined {
    const path = this.#paths(jobId, stream).data;
    if (!existsSync(path)) return undefined;
    return createReadStream(
      path,
      bytes === undefined ? {} : bytes === 0 ? { start: 0, end: -1 } : { start: 0, end: bytes - 1 },
    );
  }

  closeAll(): void {
    for (const key of [...this.#open.keys()]) {
      const [jobId, stream] = key.split('/') as [string, OutputStream];
      this.#close(jobId, stream);
    }
  }

  #close(jobId: string, stream: OutputStream): void {
    const key = `${jobId}/${stream}`;
    this.#open.get(key)?.sink.close();
    this.#open.delete(key);
  }
}

/**
 * A FileChunkSink opened (job folder, .out and .idx) only when a chunk carries bytes or the
 * stream has files from before a restart: an empty stream, as most stderr and every no-op job's
 * output, costs no mkdir or file creation (each one a journaled, synchronous call on the hub's
 * event loop). An empty chunk is not indexed; after a restart it is simply fetched again.
 */
class LazyFileSink implements ChunkSink {
  readonly #paths: { dir: string; data: string; index: string };
  /** Whether the job's folder may hold files from before (else nothing is looked up on disk). */
  readonly #mayExist: boolean;
  readonly #onCreate: () => void;
  #sink: FileChunkSink | undefined;

  constructor(
    paths: { dir: string; data: string; index: string },
    mayExist: boolean,
    onCreate: () => void,
  ) {
    this.#paths = paths;
    this.#mayExist = mayExist;
    this.#onCreate = onCreate;
  }

  #open(): FileChunkSink {
    if (!this.#sink) {
      mkdirSync(this.#paths.dir, { recursive: true });
      this.#onCreate();
      this.#sink = new FileChunkSink(this.#paths);
    }
    return this.#sink;
  }

  held(): ChunkRecord[] {
    return this.#sink || (this.#mayExist && existsSync(this.#paths.index))
      ? this.#open().held()
      : [];
  }

  write(record: ChunkRecord, data: Buffer): void {
    if (data.length > 0 || this.#sink) this.#open().write(record, data);
  }

  read(offset: number, size: number): Buffer {
    return size === 0 ? Buffer.alloc(0) : this.#open().read(offset, size);
  }

  async sync(): Promise<void> {
    await this.#sink?.sync();
  }

  close(): void {
    this.#sink?.close();
  }
}

/**
 * The names of the folders in `dir` (none when it does not exist yet). Any other error is thrown:
 * a store that wrongly believed it had no folders would open a job's old output over itself.
 */
function listFolders(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
