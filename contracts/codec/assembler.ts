import { createHash, type Hash } from 'node:crypto';
import { LogicError } from '../errors.ts';
import type { ExecChunkBody } from '../ko-v1/generated/ko-v1.ts';
import { MemorySink, type ChunkRecord, type ChunkSink } from './chunk-sink.ts';
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
  /**
   * Where the bytes go. Default: in memory, and assemble() returns the whole. With another sink
   * (FileChunkSink keeps it on disk) call verify() and read the whole from the sink.
   */
  sink?: ChunkSink;
}

/** What a transfer adds up to, from a chunk that knows it or from exec.result's stream summary. */
export interface TransferExpectation {
  total: number;
  wholeSha256: string;
  wholeSize: number;
}

/** What verify() found: the whole's size and sha256, equal to what the sender announced. */
export interface VerifiedWhole {
  size: number;
  sha256: string;
}

export type AddOutcome = 'added' | 'duplicate';

/** Decode buffer shared by every Assembler: add() is synchronous and sinks copy what they keep. */
let scratch = Buffer.alloc(0);

/**
 * Collects the chunks of one transfer in any order and verifies the whole.
 * Exact duplicates are ignored; a duplicate that disagrees is a KO_CHUNK_CONFLICT; a chunk whose
 * bytes fail its sha256 is refused (KO_CHUNK_HASH_MISMATCH: nack it) and stays missing.
 * The whole sha256 is computed as the contiguous run of chunks from seq 0 grows, so each byte is
 * hashed twice on this side (its chunk, the whole) and only chunks that arrived early are read
 * back from the sink.
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
  readonly #sink: ChunkSink;
  readonly #memory: MemorySink | undefined;
  readonly #held = new Map<number, ChunkRecord>();
  #expected: TransferExpectation | undefined;
  #heldBytes = 0;
  #highestSeq = -1;
  readonly #wholeHash: Hash = createHash('sha256');
  /** The next seq the whole hash needs, and the bytes hashed before it. */
  #hashedSeq = 0;
  #hashedBytes = 0;
  /** Why the chunks held cannot form the whole (offsets that do not line up, a short read-back). */
  #broken: KoProtocolError | undefined;
  #verified: VerifiedWhole | KoProtocolError | undefined;

  constructor(options: AssemblerOptions = {}) {
    this.#transferId = options.transferId;
    this.#maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    this.#maxChunkBytes = options.maxChunkBytes ?? Number.POSITIVE_INFINITY;
    if (options.sink) {
      this.#sink = options.sink;
    } else {
      this.#memory = new MemorySink();
      this.#sink = this.#memory;
    }
    for (const record of this.#sink.held?.() ?? []) this.#hold(record);
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
    if (existing) return this.#repeat(existing, chunk);
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
    // Placement was checked, so the final place is this chunk's own: decode straight into it.
    const data = this.#decode(chunk, this.#sink.reserve?.bind(this.#sink));
    const record = { seq: chunk.seq, offset: chunk.offset, size: chunk.size, sha256: chunk.sha256 };
    this.#sink.write(record, data);
    this.#hold(record);
    this.#advanceHash(record.seq, data);
    return 'added';
  }

  /** A seq held already: the same chunk again is a duplicate, anything else a conflict. */
  #repeat(existing: ChunkRecord, chunk: ExecChunkBody): AddOutcome {
    // Into scratch, never into place: the held bytes must not be overwritten by a bad copy.
    this.#decode(chunk);
    if (
      existing.sha256 !== chunk.sha256 ||
      existing.offset !== chunk.offset ||
      existing.size !== chunk.size
    ) {
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

  #hold(record: ChunkRecord): void {
    if (this.#held.has(record.seq)) return;
    this.#held.set(record.seq, record);
    this.#heldBytes += record.size;
    this.#highestSeq = Math.max(this.#highestSeq, record.seq);
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
    this.#sink.expectSize?.(expectation.wholeSize);
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

  /**
   * Checks the complete whole against whole_size and whole_sha256 and returns both. The answer
   * (or the error) is kept, so asking again costs nothing.
   *
   * @example const { size, sha256 } = assembler.verify(); // throws KO_TRANSFER_HASH_MISMATCH if it differs
   */
  verify(): VerifiedWhole {
    if (this.#verified instanceof KoProtocolError) throw this.#verified;
    if (this.#verified) return { ...this.#verified };
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
          hint: 'send a chunk.nack for the missing seq numbers and verify when isComplete()',
          details: { missing: missing.slice(0, 1000), total: expected?.total ?? null },
        },
      );
    }
    this.#advanceHash();
    if (this.#broken) {
      this.#verified = this.#broken;
      throw this.#broken;
    }
    const size = this.#hashedBytes;
    const sha256 =
      size === expected.wholeSize
        ? this.#wholeHash.digest('hex')
        : '(not computed: the size differs)';
    if (size !== expected.wholeSize || sha256 !== expected.wholeSha256) {
      this.#verified = this.#error(
        'KO_TRANSFER_HASH_MISMATCH',
        `assembled transfer is ${size} bytes with sha256 ${sha256}, expected ${expected.wholeSize} bytes with ${expected.wholeSha256}`,
        undefined,
        {
          hint: 'discard it and request the whole transfer again; if it repeats, the sender hashes the wrong bytes',
          details: {
            size,
            sha256,
            expected_size: expected.wholeSize,
            expected_sha256: expected.wholeSha256,
          },
        },
      );
      throw this.#verified;
    }
    this.#verified = { size, sha256 };
    return { ...this.#verified };
  }

  /** The verified whole (default in-memory sink only). */
  assemble(): Buffer {
    const memory = this.#memory;
    if (!memory) {
      throw new LogicError('KO_ASSEMBLER_SINK', 'assemble() is for the in-memory sink only', {
        hint: 'with your own sink, call verify() and read the whole from the sink',
      });
    }
    this.verify();
    return memory.bytes();
  }

  /**
   * Feeds the whole hash the held chunks that now continue the contiguous run from seq 0: the
   * chunk just added from its decoded bytes, later ones that arrived early read back from the sink.
   */
  #advanceHash(justSeq?: number, justData?: Buffer): void {
    for (
      let record = this.#held.get(this.#hashedSeq);
      record && !this.#broken;
      record = this.#held.get(this.#hashedSeq)
    ) {
      if (record.offset !== this.#hashedBytes) {
        this.#broken = this.#error(
          'KO_CHUNK_CONFLICT',
          `chunk ${record.seq} says offset ${record.offset}, the chunks before it end at ${this.#hashedBytes}`,
        );
        return;
      }
      const data =
        record.seq === justSeq && justData ? justData : this.#sink.read(record.offset, record.size);
      if (data.length !== record.size) {
        this.#broken = this.#error(
          'KO_TRANSFER_HASH_MISMATCH',
          `chunk ${record.seq} reads back as ${data.length} of its ${record.size} bytes`,
          undefined,
          { hint: 'the stored bytes were lost; request the whole transfer again' },
        );
        return;
      }
      this.#wholeHash.update(data);
      this.#hashedBytes += record.size;
      this.#hashedSeq += 1;
    }
  }

  /**
   * Decodes a chunk's base64 into `reserve`'s view of its final place when given, else into the
   * shared scratch buffer, and checks it against the chunk's size and sha256.
   */
  #decode(
    chunk: ExecChunkBody,
    reserve?: (offset: number, size: number) => Buffer | undefined,
  ): Buffer {
    if (Buffer.byteLength(chunk.data, 'base64') !== chunk.size) this.#hashMismatch(chunk);
    let target = reserve?.(chunk.offset, chunk.size);
    if (!target) {
      if (scratch.length < chunk.size) scratch = Buffer.allocUnsafe(chunk.size);
      target = scratch.subarray(0, chunk.size);
    }
    const written = target.write(chunk.data, 'base64');
    if (written !== chunk.size || sha256Hex(target) !== chunk.sha256) {
      this.#hashMismatch(chunk, written);
    }
    return target;
  }

  #hashMismatch(chunk: ExecChunkBody, decodedSize?: number): never {
    throw this.#error(
      'KO_CHUNK_HASH_MISMATCH',
      `chunk ${chunk.seq} does not match its size and sha256`,
      chunk,
      {
        hint: `re-request seq ${chunk.seq} with chunk.nack`,
        details: {
          seq: chunk.seq,
          size: chunk.size,
          decoded_size: decodedSize ?? Buffer.byteLength(chunk.data, 'base64'),
        },
      },
    );
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
