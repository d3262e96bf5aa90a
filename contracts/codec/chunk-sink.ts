/** What an Assembler records of one stored chunk: enough to place, repeat-check and re-read it. */
export interface ChunkRecord {
  seq: number;
  offset: number;
  size: number;
  sha256: string;
}

/**
 * Where an Assembler keeps the bytes of a transfer. Every call is synchronous: the Assembler
 * decodes each chunk into a shared scratch buffer, so `write` must copy what it keeps.
 */
export interface ChunkSink {
  /** Keeps a verified chunk's bytes at `record.offset` of the whole. */
  write(record: ChunkRecord, data: Buffer): void;
  /** Bytes written earlier, for hashing chunks that arrived out of order. Valid until the next call. */
  read(offset: number, size: number): Buffer;
  /**
   * Optional: a writable view of `size` bytes at `offset` in the final place, so the chunk is
   * decoded straight into it and `write` gets that same view (no copy).
   */
  reserve?(offset: number, size: number): Buffer;
  /** Optional: the whole's size, as soon as it is known (to allocate once). */
  expectSize?(bytes: number): void;
  /** Optional: chunks this sink already holds (a file sink after a restart), to resume from. */
  held?(): ChunkRecord[];
}

/**
 * The default sink: the whole in one growing Buffer (sized exactly once `whole_size` is known),
 * chunks decoded straight into place.
 *
 * @example
 * const sink = new MemorySink();
 * const assembler = new Assembler({ sink });
 * // ... add chunks, then assembler.verify(); sink.bytes() is the whole
 */
export class MemorySink implements ChunkSink {
  #whole: Buffer = Buffer.alloc(0);
  #end = 0;

  /** The bytes written so far, from offset 0 to the end of the furthest chunk. */
  bytes(): Buffer {
    return this.#whole.subarray(0, this.#end);
  }

  expectSize(bytes: number): void {
    this.#ensure(bytes, bytes);
  }

  reserve(offset: number, size: number): Buffer {
    this.#ensure(offset + size, Math.max(offset + size, this.#whole.length * 2));
    return this.#whole.subarray(offset, offset + size);
  }

  write(record: ChunkRecord, data: Buffer): void {
    const place = this.reserve(record.offset, record.size);
    // Skip the copy when `data` is the reserved view already.
    if (data.buffer !== place.buffer || data.byteOffset !== place.byteOffset) data.copy(place);
    this.#end = Math.max(this.#end, record.offset + record.size);
  }

  read(offset: number, size: number): Buffer {
    return this.#whole.subarray(offset, offset + size);
  }

  /** Grows to at least `needed` bytes (allocating `target`), keeping what was written. */
  #ensure(needed: number, target: number): void {
    if (needed <= this.#whole.length) return;
    // Unsafe is fine: only bytes covered by written chunks are ever read back.
    const grown = Buffer.allocUnsafe(target);
    this.#whole.copy(grown, 0, 0, this.#end);
    this.#whole = grown;
  }
}
