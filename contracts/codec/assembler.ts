import type { ExecChunkBody } from '../ko-v1/generated/ko-v1.ts';
import { base64Length } from './limits.ts';
import { KoProtocolError } from './protocol-error.ts';
import { sha256Hex } from './sha256.ts';

export interface AssemblerOptions {
  /** Refuse chunks of another transfer. Default: the first chunk's transfer_id. */
  transferId?: string;
  /** Refuse a transfer over this many raw bytes (memory guard). Default: no limit. */
  maxBytes?: number;
  /** Refuse single chunks over this many raw bytes. Default: no limit. */
  maxChunkBytes?: number;
}

/** What a transfer adds up to, from a chunk that knows it or from exec.result's stream summary. */
export interface TransferExpectation {
  total: number;
  wholeSha256: string;
  wholeSize: number;
}

interface HeldChunk {
  offset: number;
  size: number;
  sha256: string;
  data: Buffer;
  /** True when `data` is a view into the preallocated whole. */
  inPlace: boolean;
}

/**
 * Wholes up to this size are preallocated once their size is known, and chunks are decoded
 * straight into place: no buffer per chunk and no final copy.
 */
const PREALLOCATE_MAX_BYTES = 256 * 1024 * 1024;

export type AddOutcome = 'added' | 'duplicate';

/**
 * Collects the chunks of one transfer in any order and returns the verified whole.
 * Exact duplicates are ignored; a duplicate that disagrees is a KO_CHUNK_CONFLICT; a chunk whose
 * bytes fail its sha256 is refused (KO_CHUNK_HASH_MISMATCH: nack it) and stays missing.
 *
 * @example
 * const assembler = new Assembler();
 * for (const chunk of received) assembler.add(chunk);
 * if (!assembler.isComplete()) nack(assembler.missing()); else use(assembler.assemble());
 */
export class Assembler {
  #transferId: string | undefined;
  readonly #maxBytes: number;
  readonly #maxChunkBytes: number;
  readonly #held = new Map<number, HeldChunk>();
  #expected: TransferExpectation | undefined;
  #whole: Buffer | undefined;
  #heldBytes = 0;
  #highestSeq = -1;

  constructor(options: AssemblerOptions = {}) {
    this.#transferId = options.transferId;
    this.#maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    this.#maxChunkBytes = options.maxChunkBytes ?? Number.POSITIVE_INFINITY;
  }

  get transferId(): string | undefined {
    return this.#transferId;
  }

  /** The number of chunks, once a chunk or expect() told it. */
  get total(): number | undefined {
    return this.#expected?.total;
  }

  get receivedBytes(): number {
    return this.#heldBytes;
  }

  /**
   * Adds one chunk. Returns 'duplicate' for an exact repeat; throws KoProtocolError otherwise
   * when the chunk cannot be taken.
   */
  add(chunk: ExecChunkBody): AddOutcome {
    this.#checkTransfer(chunk);
    if (chunk.size > this.#maxChunkBytes || chunk.data.length > base64Length(this.#maxChunkBytes)) {
      throw this.#error(
        'KO_CHUNK_INVALID',
        `chunk ${chunk.seq} is over ${this.#maxChunkBytes} bytes`,
        chunk,
      );
    }
    const existing = this.#held.get(chunk.seq);
    if (existing) {
      const data = Buffer.from(chunk.data, 'base64');
      const same =
        existing.sha256 === chunk.sha256 &&
        existing.offset === chunk.offset &&
        existing.data.equals(data);
      if (!same) {
        this.#checkOwnHash(chunk, data);
        throw this.#error(
          'KO_CHUNK_CONFLICT',
          `chunk ${chunk.seq} arrived twice with different content`,
          chunk,
          {
            hint: 'the sender must not change a chunk once sent; restart the transfer with a new transfer_id',
            details: { held_sha256: existing.sha256, received_sha256: chunk.sha256 },
          },
        );
      }
      this.#learnTotal(chunk);
      return 'duplicate';
    }
    this.#learnTotal(chunk);
    this.#checkPlace(chunk);
    this.#checkNeighbours(chunk);
    if (this.#heldBytes + chunk.size > this.#maxBytes) {
      throw this.#error(
        'KO_TRANSFER_TOO_LARGE',
        `transfer grows past ${this.#maxBytes} bytes`,
        chunk,
        {
          hint: 'raise the receiver limit or send less',
          details: { max_bytes: this.#maxBytes },
        },
      );
    }
    const { data, inPlace } = this.#decode(chunk);
    this.#checkOwnHash(chunk, data);
    this.#held.set(chunk.seq, {
      offset: chunk.offset,
      size: chunk.size,
      sha256: chunk.sha256,
      data,
      inPlace,
    });
    this.#heldBytes += data.length;
    this.#highestSeq = Math.max(this.#highestSeq, chunk.seq);
    return 'added';
  }

  #learnTotal(chunk: ExecChunkBody): void {
    if (chunk.total === null) return;
    this.expect(
      {
        total: chunk.total,
        wholeSha256: chunk.whole_sha256 ?? '',
        wholeSize: chunk.whole_size ?? -1,
      },
      chunk,
    );
  }

  /**
   * Tells the assembler what the transfer adds up to before its last chunk arrives, e.g. from
   * exec.result's stream summary (chunks, sha256, bytes), so missing() can name a lost tail.
   */
  expect(expectation: TransferExpectation, chunk?: ExecChunkBody): void {
    const known = this.#expected;
    if (known) {
      if (
        known.total !== expectation.total ||
        known.wholeSha256 !== expectation.wholeSha256 ||
        known.wholeSize !== expectation.wholeSize
      ) {
        throw this.#error(
          'KO_CHUNK_CONFLICT',
          "the transfer's total, whole_sha256 or whole_size changed",
          chunk,
          {
            hint: 'every chunk and the stream summary must agree; restart the transfer with a new transfer_id',
            details: { known: { ...known }, received: { ...expectation } },
          },
        );
      }
      return;
    }
    if (!Number.isInteger(expectation.total) || expectation.total < 1) {
      throw this.#error(
        'KO_CHUNK_INVALID',
        `total ${expectation.total} is not a positive integer`,
        chunk,
      );
    }
    if (!/^[0-9a-f]{64}$/.test(expectation.wholeSha256) || !(expectation.wholeSize >= 0)) {
      throw this.#error(
        'KO_CHUNK_INVALID',
        'a chunk with a total needs whole_sha256 and whole_size',
        chunk,
      );
    }
    if (expectation.wholeSize > this.#maxBytes) {
      throw this.#error(
        'KO_TRANSFER_TOO_LARGE',
        `transfer is ${expectation.wholeSize} bytes, over ${this.#maxBytes}`,
        chunk,
        {
          hint: 'raise the receiver limit or send less',
          details: { whole_size: expectation.wholeSize, max_bytes: this.#maxBytes },
        },
      );
    }
    if (this.#highestSeq >= expectation.total) {
      throw this.#error(
        'KO_CHUNK_CONFLICT',
        `chunk ${this.#highestSeq} is held but total is ${expectation.total}`,
        chunk,
      );
    }
    this.#expected = { ...expectation };
    if (expectation.wholeSize <= PREALLOCATE_MAX_BYTES) {
      // Unsafe is fine: assemble() returns it only once contiguous chunks cover every byte.
      this.#whole = Buffer.allocUnsafe(expectation.wholeSize);
    }
  }

  /**
   * The seq numbers to re-request, ascending, at most `limit` of them (a chunk.nack holds up to
   * 10,000). With the total unknown (a live stream still running), only the gaps below the
   * highest seq seen.
   */
  missing(limit = Number.POSITIVE_INFINITY): number[] {
    const end = this.#expected ? this.#expected.total : this.#highestSeq + 1;
    const gaps: number[] = [];
    for (let seq = 0; seq < end && gaps.length < limit; seq++) {
      if (!this.#held.has(seq)) gaps.push(seq);
    }
    return gaps;
  }

  isComplete(): boolean {
    return this.#expected !== undefined && this.#held.size === this.#expected.total;
  }

  /** The whole, checked against whole_size and whole_sha256. */
  assemble(): Buffer {
    const expected = this.#expected;
    if (!expected || !this.isComplete()) {
      const missing = this.missing();
      throw this.#error(
        'KO_TRANSFER_INCOMPLETE',
        expected
          ? `transfer is missing ${missing.length} of ${expected.total} chunks`
          : 'transfer total is not known yet (no final chunk or stream summary)',
        undefined,
        {
          hint: 'send a chunk.nack for the missing seq numbers and assemble when isComplete()',
          details: { missing: missing.slice(0, 1000), total: expected?.total ?? null },
        },
      );
    }
    const whole = this.#whole;
    const parts: Buffer[] = [];
    let offset = 0;
    for (let seq = 0; seq < expected.total; seq++) {
      const held = this.#held.get(seq) as HeldChunk;
      if (held.offset !== offset) {
        throw this.#error(
          'KO_CHUNK_CONFLICT',
          `chunk ${seq} says offset ${held.offset}, the chunks before it end at ${offset}`,
        );
      }
      offset += held.size;
      if (!whole) parts.push(held.data);
      else if (!held.inPlace) held.data.copy(whole, held.offset);
    }
    const assembled = whole ?? Buffer.concat(parts, offset);
    const sha256 =
      offset === expected.wholeSize ? sha256Hex(assembled) : '(not computed: the size differs)';
    if (offset !== expected.wholeSize || sha256 !== expected.wholeSha256) {
      throw this.#error(
        'KO_TRANSFER_HASH_MISMATCH',
        `assembled transfer is ${offset} bytes with sha256 ${sha256}, expected ${expected.wholeSize} bytes with ${expected.wholeSha256}`,
        undefined,
        {
          hint: 'discard it and request the whole transfer again; if it repeats, the sender hashes the wrong bytes',
          details: {
            size: offset,
            sha256,
            expected_size: expected.wholeSize,
            expected_sha256: expected.wholeSha256,
          },
        },
      );
    }
    return assembled;
  }

  /**
   * Decodes a chunk's base64, into its place in the preallocated whole when there is one. The
   * placement checks ran first, so only a chunk with inconsistent offsets (which fails the
   * transfer anyway) could write over another chunk's bytes, and the whole hash catches that.
   */
  #decode(chunk: ExecChunkBody): { data: Buffer; inPlace: boolean } {
    const whole = this.#whole;
    if (!whole || Buffer.byteLength(chunk.data, 'base64') !== chunk.size) {
      return { data: Buffer.from(chunk.data, 'base64'), inPlace: false };
    }
    const region = whole.subarray(chunk.offset, chunk.offset + chunk.size);
    const written = region.write(chunk.data, 'base64');
    return { data: region.subarray(0, written), inPlace: true };
  }

  #checkTransfer(chunk: ExecChunkBody): void {
    this.#transferId ??= chunk.transfer_id;
    if (chunk.transfer_id !== this.#transferId) {
      throw this.#error(
        'KO_CHUNK_INVALID',
        `chunk belongs to transfer ${chunk.transfer_id}, not ${this.#transferId}`,
        chunk,
        {
          hint: 'keep one Assembler per transfer_id',
        },
      );
    }
  }

  #checkPlace(chunk: ExecChunkBody): void {
    const total = this.#expected?.total;
    if (total !== undefined && chunk.seq >= total) {
      throw this.#error(
        'KO_CHUNK_INVALID',
        `chunk seq ${chunk.seq} is beyond total ${total}`,
        chunk,
      );
    }
    if (chunk.seq === 0 && chunk.offset !== 0) {
      throw this.#error(
        'KO_CHUNK_INVALID',
        `chunk 0 says offset ${chunk.offset}; the first chunk starts at 0`,
        chunk,
      );
    }
    const wholeSize = this.#expected?.wholeSize;
    if (wholeSize !== undefined && chunk.offset + chunk.size > wholeSize) {
      throw this.#error(
        'KO_CHUNK_INVALID',
        `chunk ${chunk.seq} ends at ${chunk.offset + chunk.size}, past whole_size ${wholeSize}`,
        chunk,
      );
    }
  }

  #checkOwnHash(chunk: ExecChunkBody, data: Buffer): void {
    if (data.length !== chunk.size || sha256Hex(data) !== chunk.sha256) {
      throw this.#error(
        'KO_CHUNK_HASH_MISMATCH',
        `chunk ${chunk.seq} does not match its size and sha256`,
        chunk,
        {
          hint: `re-request seq ${chunk.seq} with chunk.nack`,
          details: { seq: chunk.seq, size: chunk.size, decoded_size: data.length },
        },
      );
    }
  }

  #checkNeighbours(chunk: ExecChunkBody): void {
    const before = this.#held.get(chunk.seq - 1);
    const after = this.#held.get(chunk.seq + 1);
    const beforeOk = !before || before.offset + before.size === chunk.offset;
    const afterOk = !after || chunk.offset + chunk.size === after.offset;
    if (!beforeOk || !afterOk) {
      throw this.#error(
        'KO_CHUNK_CONFLICT',
        `chunk ${chunk.seq} at offset ${chunk.offset} overlaps or leaves a gap with its neighbours`,
        chunk,
        {
          hint: 'offsets must be contiguous; restart the transfer with a new transfer_id',
        },
      );
    }
  }

  #error(
    code: ConstructorParameters<typeof KoProtocolError>[0],
    message: string,
    chunk?: ExecChunkBody,
    extra: { hint?: string; details?: Record<string, unknown> } = {},
  ): KoProtocolError {
    return new KoProtocolError(
      code,
      `transfer ${this.#transferId ?? chunk?.transfer_id ?? '?'}: ${message}`,
      {
        hint: extra.hint ?? 'restart the transfer with a new transfer_id',
        details: {
          transfer_id: this.#transferId,
          ...(chunk ? { seq: chunk.seq } : {}),
          ...extra.details,
        },
      },
    );
  }
}
