import { ChunkStreamer } from '../../contracts/codec/chunk-streamer.ts';
import type { ExecChunkBody, StreamSummary } from '../../contracts/ko-v1/generated/ko-v1.ts';

interface OutputChunkerOptions {
  jobId: string;
  stream: 'stdout' | 'stderr';
  /** Raw bytes per chunk: the hub's welcome.chunk_size_bytes. */
  chunkSizeBytes: number;
  /** Called with each finished chunk, in order. */
  emit: (chunk: ExecChunkBody) => void;
  /** Send no chunk for a stream that produced nothing (the hub's welcome.omit_empty_streams). */
  omitEmpty?: boolean;
}

/**
 * One live output stream of a job as exec.chunk bodies, handed to `emit` as they are made: the
 * codec's ChunkStreamer does the framing and hashing; this adds the runner's transfer id
 * (`<job>.<stream>`), the callback, tolerance of output that arrives after the end, and the
 * StreamSummary for exec.result.
 *
 * @example
 * const c = new OutputChunker({ jobId, stream: 'stdout', chunkSizeBytes: 200_000, emit: send });
 * c.write(Buffer.from('hello\n')); c.flush(); const summary = c.end(false);
 */
export class OutputChunker {
  readonly transferId: string;
  readonly #streamer: ChunkStreamer;
  readonly #emit: (chunk: ExecChunkBody) => void;
  readonly #omitEmpty: boolean;

  constructor(options: OutputChunkerOptions) {
    this.transferId = `${options.jobId}.${options.stream}`;
    this.#emit = options.emit;
    this.#omitEmpty = options.omitEmpty ?? false;
    this.#streamer = new ChunkStreamer({
      transferId: this.transferId,
      jobId: options.jobId,
      stream: options.stream,
      chunkSize: options.chunkSizeBytes,
    });
  }

  /** Output after end() is dropped: the result that counts it has been made. */
  write(data: Buffer): void {
    if (!this.#streamer.ended) for (const chunk of this.#streamer.write(data)) this.#emit(chunk);
  }

  /** Sends what is buffered now as a (short) chunk. */
  flush(): void {
    if (!this.#streamer.ended) for (const chunk of this.#streamer.flush()) this.#emit(chunk);
  }

  /**
   * Emits the last chunk (once) and returns the stream's summary for exec.result. With
   * `omitEmpty`, a stream that produced nothing sends no chunk: its summary says 0 chunks.
   */
  end(truncated: boolean): StreamSummary {
    if (!this.#streamer.ended) {
      const last = this.#streamer.end({ omitEmpty: this.#omitEmpty });
      if (last) this.#emit(last);
    }
    const totals = this.#streamer.totals();
    return {
      transfer_id: this.transferId,
      bytes: totals.bytes,
      sha256: totals.sha256,
      chunks: totals.chunks,
      truncated,
    };
  }
}
