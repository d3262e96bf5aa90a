import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  existsSync,
  fdatasync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
  type ReadStream,
} from 'node:fs';
import { join } from 'node:path';
import type { ExecChunkBody } from '../../contracts/ko-v1/generated/ko-v1.ts';

export type OutputStream = 'stdout' | 'stderr';

interface TransferState {
  fd: number;
  idxFd: number;
  received: Set<number>;
  dirty: boolean;
}

type ChunkOutcome = 'stored' | 'duplicate' | 'bad_hash';

/**
 * A job's output reassembled on disk, one file per stream (`<dir>/<job>/<stream>.out`). Chunks
 * are written at their offset, so order does not matter; `<stream>.idx` lists the stored
 * sequence numbers so a restarted hub knows what it already has.
 *
 * @example
 * const outputs = new OutputStore('.ko/outputs');
 * outputs.accept(jobId, chunkBody); // 'stored'
 * outputs.missing(jobId, 'stdout', 3); // [1] when chunk 1 never came
 */
export class OutputStore {
  readonly #dir: string;
  readonly #open = new Map<string, TransferState>();

  constructor(dir: string) {
    this.#dir = dir;
  }

  #paths(jobId: string, stream: OutputStream): { dir: string; out: string; idx: string } {
    const dir = join(this.#dir, jobId);
    return { dir, out: join(dir, `${stream}.out`), idx: join(dir, `${stream}.idx`) };
  }

  #state(jobId: string, stream: OutputStream): TransferState {
    const key = `${jobId}/${stream}`;
    let state = this.#open.get(key);
    if (state) return state;
    const paths = this.#paths(jobId, stream);
    mkdirSync(paths.dir, { recursive: true });
    const received = new Set<number>();
    if (existsSync(paths.idx)) {
      for (const line of readFileSync(paths.idx, 'utf8').split('\n')) {
        const seq = Number.parseInt(line, 10);
        if (Number.isInteger(seq)) received.add(seq);
      }
    }
    state = {
      fd: openSync(paths.out, existsSync(paths.out) ? 'r+' : 'w+', 0o600),
      idxFd: openSync(paths.idx, 'a', 0o600),
      received,
      dirty: false,
    };
    this.#open.set(key, state);
    return state;
  }

  /** Stores one output chunk after checking its own sha256; a repeat is a no-op. */
  accept(jobId: string, chunk: ExecChunkBody): ChunkOutcome {
    const stream = chunk.stream as OutputStream;
    const data = Buffer.from(chunk.data, 'base64');
    if (
      data.length !== chunk.size ||
      createHash('sha256').update(data).digest('hex') !== chunk.sha256
    )
      return 'bad_hash';
    const state = this.#state(jobId, stream);
    if (state.received.has(chunk.seq)) return 'duplicate';
    if (data.length > 0) {
      writeSync(state.fd, data, 0, data.length, chunk.offset);
      state.dirty = true;
    }
    writeSync(state.idxFd, `${chunk.seq}\n`);
    state.received.add(chunk.seq);
    return 'stored';
  }

  /** Sequence numbers below `total` not stored yet. */
  missing(jobId: string, stream: OutputStream, total: number): number[] {
    const state = this.#state(jobId, stream);
    const out: number[] = [];
    for (let seq = 0; seq < total && out.length < 10_000; seq += 1)
      if (!state.received.has(seq)) out.push(seq);
    return out;
  }

  /** sha256 and size of the assembled stream, cut at `bytes` (the runner's count). */
  digest(jobId: string, stream: OutputStream, bytes: number): { sha256: string; bytes: number } {
    this.#state(jobId, stream);
    const path = this.#paths(jobId, stream).out;
    const data = readFileSync(path).subarray(0, bytes);
    return { sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length };
  }

  /** Forgets a stream's chunks (after a whole-stream hash mismatch) so all are fetched again. */
  reset(jobId: string, stream: OutputStream): void {
    this.#close(jobId, stream);
    const paths = this.#paths(jobId, stream);
    rmSync(paths.out, { force: true });
    rmSync(paths.idx, { force: true });
  }

  /**
   * Makes a job's output bytes durable before its result is acknowledged (the runner drops its
   * copy on the ack). Asynchronous, so many jobs finishing at once do not stall the event loop;
   * the .idx files are not synced: they only matter for a transfer still in progress.
   */
  async flush(jobId: string): Promise<void> {
    const syncs: Promise<void>[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const state = this.#open.get(`${jobId}/${stream}`);
      if (!state?.dirty) continue;
      state.dirty = false;
      syncs.push(
        new Promise((resolve, reject) => fdatasync(state.fd, (e) => (e ? reject(e) : resolve()))),
      );
    }
    await Promise.all(syncs);
  }

  /** Closes a finished job's files (they stay on disk). */
  release(jobId: string): void {
    this.#close(jobId, 'stdout');
    this.#close(jobId, 'stderr');
  }

  /** A stream's bytes for the exec API, or undefined when nothing arrived. */
  read(jobId: string, stream: OutputStream, bytes?: number): ReadStream | undefined {
    const path = this.#paths(jobId, stream).out;
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
    const state = this.#open.get(key);
    if (!state) return;
    if (state.dirty) fsyncSync(state.fd);
    closeSync(state.fd);
    closeSync(state.idxFd);
    this.#open.delete(key);
  }
}
