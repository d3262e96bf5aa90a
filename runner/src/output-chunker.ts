import { createHash, type Hash } from 'node:crypto';
import type { ExecChunkBody, StreamSummary } from '../../contracts/ko-v1/generated/ko-v1.ts';

interface OutputChunkerOptions {
  jobId: string;
  stream: 'stdout' | 'stderr';
  /** Raw bytes per chunk: the hub's welcome.chunk_size_bytes. */
  chunkSizeBytes: number;
  /** Called with each finished chunk, in order. */
  emit: (chunk: ExecChunkBody) => void;
}

/**
 * Cuts one live output stream into numbered exec.chunk bodies: full chunks as soon as enough
 * bytes are there, a partial one on `flush()` (the daemon calls it on a short timer so output is
 * live), and on `end()` a last chunk that carries the total and the whole stream's sha256 (empty
 * when nothing was left, since every transfer has at least one chunk).
 *
 * @example
 * const c = new OutputChunker({ jobId, stream: 'stdout', chunkSizeBytes: 200_000, emit: send });
 * c.write(Buffer.from('hello\n')); c.flush(); const summary = c.end(false);
 */
export class OutputChunker {
  readonly transferId: string;
  readonly #options: OutputChunkerOptions;
  readonly #whole: Hash = createHash('sha256');
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #seq = 0;
  #offset = 0;
  #ended = false;

  constructor(options: OutputChunkerOptions) {
    this.#options = options;
    this.transferId = `${options.jobId}.${options.stream}`;
  }

  write(data: Buffer): void {
    if (this.#ended || data.length === 0) return;
    this.#pending.push(data);
    this.#pendingBytes += data.length;
    while (this.#pendingBytes >= this.#options.chunkSizeBytes)
      this.#emit(this.#take(this.#options.chunkSizeBytes), false);
  }

  /** Sends what is buffered now as a (short) chunk. */
  flush(): void {
    if (!this.#ended && this.#pendingBytes > 0) this.#emit(this.#take(this.#pendingBytes), false);
  }

  /** Emits the last chunk and returns the stream's summary for exec.result. */
  end(truncated: boolean): StreamSummary {
    if (!this.#ended) {
      this.#ended = true;
      this.#emit(this.#take(this.#pendingBytes), true);
    }
    return {
      transfer_id: this.transferId,
      bytes: this.#offset,
      sha256: this.#wholeDigest ?? '',
      chunks: this.#seq,
      truncated,
    };
  }

  #wholeDigest: string | undefined;

  #take(bytes: number): Buffer {
    const all =
      this.#pending.length === 1 ? (this.#pending[0] as Buffer) : Buffer.concat(this.#pending);
    const head = all.subarray(0, bytes);
    const rest = all.subarray(bytes);
    this.#pending = rest.length > 0 ? [rest] : [];
    this.#pendingBytes = rest.length;
    return head;
  }

  #emit(data: Buffer, last: boolean): void {
    this.#whole.update(data);
    const chunk: ExecChunkBody = {
      transfer_id: this.transferId,
      job_id: this.#options.jobId,
      stream: this.#options.stream,
      seq: this.#seq,
      total: null,
      offset: this.#offset,
      size: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
      data: data.toString('base64'),
    };
    this.#seq += 1;
    this.#offset += data.length;
    if (last) {
      this.#wholeDigest = this.#whole.digest('hex');
      chunk.total = this.#seq;
      chunk.whole_sha256 = this.#wholeDigest;
      chunk.whole_size = this.#offset;
    }
    this.#options.emit(chunk);
  }
}
