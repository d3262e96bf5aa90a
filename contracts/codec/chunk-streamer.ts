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
  #pending: Buffer[] = [];
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
    this.#pendingBytes += piece.length;
    if (this.#pendingBytes < this.#chunkSize) {
      // Kept for later: copy it, since producers may reuse their buffers.
      this.#pending.push(Buffer.from(piece));
      return [];
    }
    this.#pending.push(piece);
    const joined = this.#takePending();
    const chunks: ExecChunkBody[] = [];
    let start = 0;
    for (; joined.length - start >= this.#chunkSize; start += this.#chunkSize) {
      chunks.push(this.#chunk(joined.subarray(start, start + this.#chunkSize), null));
    }
    if (start < joined.length) {
      // Copy the tail so the joined buffer is not kept alive by a small remainder.
      this.#pending = [Buffer.from(joined.subarray(start))];
      this.#pendingBytes = joined.length - start;
    }
    return chunks;
  }

  /** Emits the pending partial chunk now (none if nothing is pending). */
  flush(): ExecChunkBody[] {
    this.#assertOpen('flush');
    if (this.#pendingBytes === 0) return [];
    return [this.#chunk(this.#takePending(), null)];
  }

  /** Ends the stream: the final chunk, carrying total, whole_sha256 and whole_size. */
  end(): ExecChunkBody {
    this.#assertOpen('end');
    const last = this.#takePending();
    const wholeSize = this.#offset + last.length;
    const wholeSha256 = this.#whole.digest('hex');
    const total = this.#seq + 1;
    this.#totals = { bytes: wholeSize, sha256: wholeSha256, chunks: total };
    return this.#chunk(last, { total, wholeSha256, wholeSize });
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

  #takePending(): Buffer {
    const joined =
      this.#pending.length === 1
        ? (this.#pending[0] as Buffer)
        : Buffer.concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    return joined;
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
