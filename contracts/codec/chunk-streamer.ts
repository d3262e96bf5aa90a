import { createHash, type Hash } from 'node:crypto';
import { LogicError } from '../errors.ts';
import type { ExecChunkBody } from '../ko-v1/generated/ko-v1.ts';
import { resolveChunkSize, type ChunkOptions } from './split-into-chunks.ts';
import { sha256Hex } from './sha256.ts';

/** What a finished stream added up to: the numbers exec.result's StreamSummary reports. */
export interface StreamTotals {
  bytes: number;
  sha256: string;
  chunks: number;
}

/**
 * Turns bytes produced over time (live command output) into exec.chunk bodies of at most
 * chunkSize raw bytes, before the total is known. Chunks carry `total: null` until end(), which
 * emits the final chunk (possibly empty) with total, whole_sha256 and whole_size. Call flush()
 * on a timer to send a partial chunk early so output shows up while the command runs.
 *
 * @example
 * const out = new ChunkStreamer({ transferId: `${jobId}.stdout`, jobId, stream: 'stdout' });
 * child.stdout.on('data', (piece) => out.write(piece).forEach(send));
 * child.on('close', () => { send(out.end()); report(out.totals()); });
 */
export class ChunkStreamer {
  readonly #options: ChunkOptions;
  readonly #chunkSize: number;
  readonly #whole: Hash = createHash('sha256');
  /**
   * Bytes written but not sent yet: the first #pendingBytes of #pending (never more than a
   * chunk). Reused after each chunk, since a chunk body keeps only the base64 text.
   */
  #pending: Buffer = Buffer.alloc(0);
  #pendingBytes = 0;
  #seq = 0;
  #offset = 0;
  #totals: StreamTotals | undefined;

  constructor(options: ChunkOptions) {
    this.#options = options;
    this.#chunkSize = resolveChunkSize(options.chunkSize);
  }

  /** Adds produced bytes; returns the chunks that are now full. */
  write(piece: Buffer): ExecChunkBody[] {
    this.#assertOpen('write');
    if (piece.length === 0) return [];
    this.#whole.update(piece);
    const chunks: ExecChunkBody[] = [];
    let at = 0;
    if (this.#pendingBytes > 0) {
      at = Math.min(this.#chunkSize - this.#pendingBytes, piece.length);
      this.#keep(piece.subarray(0, at));
      if (this.#pendingBytes === this.#chunkSize)
        chunks.push(this.#chunk(this.#takePending(), null));
    }
    // Full chunks straight from the caller's buffer: no copy.
    for (; piece.length - at >= this.#chunkSize; at += this.#chunkSize) {
      chunks.push(this.#chunk(piece.subarray(at, at + this.#chunkSize), null));
    }
    // Kept for later: copied, since producers may reuse their buffers.
    if (at < piece.length) this.#keep(piece.subarray(at));
    return chunks;
  }

  /** Emits the pending partial chunk now (none if nothing is pending). */
  flush(): ExecChunkBody[] {
    this.#assertOpen('flush');
    if (this.#pendingBytes === 0) return [];
    return [this.#chunk(this.#takePending(), null)];
  }

  /**
   * Ends the stream: the final chunk, carrying total, whole_sha256 and whole_size. With
   * `omitEmpty`, a stream that never produced a byte ends with no chunk at all (null; totals
   * say 0 chunks), so an empty output stream costs no frame.
   */
  end(): ExecChunkBody;
  end(options: { omitEmpty: boolean }): ExecChunkBody | null;
  end(options: { omitEmpty?: boolean } = {}): ExecChunkBody | null {
    this.#assertOpen('end');
    if (options.omitEmpty && this.#seq === 0 && this.#pendingBytes === 0) {
      this.#totals = { bytes: 0, sha256: this.#whole.digest('hex'), chunks: 0 };
      return null;
    }
    const last = this.#takePending();
    const wholeSize = this.#offset + last.length;
    const wholeSha256 = this.#whole.digest('hex');
    const total = this.#seq + 1;
    this.#totals = { bytes: wholeSize, sha256: wholeSha256, chunks: total };
    const chunk = this.#chunk(last, { total, wholeSha256, wholeSize });
    this.#pending = Buffer.alloc(0);
    return chunk;
  }

  /** After end(): bytes, sha256 and chunk count, for exec.result's StreamSummary. */
  totals(): StreamTotals {
    if (!this.#totals) {
      throw new LogicError('KO_STREAM_OPEN', 'stream totals are asked for before end()', {
        hint: 'call end() first',
      });
    }
    return { ...this.#totals };
  }

  get ended(): boolean {
    return this.#totals !== undefined;
  }

  /** Appends to the pending bytes, growing the buffer by doubling up to one chunk. */
  #keep(bytes: Buffer): void {
    const needed = this.#pendingBytes + bytes.length;
    if (needed > this.#pending.length) {
      const size = Math.min(this.#chunkSize, Math.max(needed, this.#pending.length * 2, 4096));
      const grown = Buffer.allocUnsafe(size);
      this.#pending.copy(grown, 0, 0, this.#pendingBytes);
      this.#pending = grown;
    }
    bytes.copy(this.#pending, this.#pendingBytes);
    this.#pendingBytes = needed;
  }

  /** The pending bytes as a view, valid until the next write (chunk them at once). */
  #takePending(): Buffer {
    const view = this.#pending.subarray(0, this.#pendingBytes);
    this.#pendingBytes = 0;
    return view;
  }

  #chunk(
    data: Buffer,
    final: { total: number; wholeSha256: string; wholeSize: number } | null,
  ): ExecChunkBody {
    const body: ExecChunkBody = {
      transfer_id: this.#options.transferId,
      ...(this.#options.jobId === undefined ? {} : { job_id: this.#options.jobId }),
      stream: this.#options.stream ?? 'frame',
      seq: this.#seq,
      total: final ? final.total : null,
      offset: this.#offset,
      size: data.length,
      sha256: sha256Hex(data),
      data: data.toString('base64'),
      ...(final ? { whole_sha256: final.wholeSha256, whole_size: final.wholeSize } : {}),
    };
    this.#seq += 1;
    this.#offset += data.length;
    return body;
  }

  #assertOpen(action: string): void {
    if (this.#totals) {
      throw new LogicError(
        'KO_STREAM_ENDED',
        `cannot ${action}: transfer ${this.#options.transferId} has ended`,
        {
          hint: 'start a new ChunkStreamer (with a new transfer_id) for more output',
        },
      );
    }
  }
}
