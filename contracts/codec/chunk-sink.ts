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
   * decoded straight into it and `write` gets that same view (no copy); undefined when there is
   * no such place yet.
   */
  reserve?(offset: number, size: number): Buffer | undefined;
  /** Optional: the whole's size, as soon as it is known (to allocate once). */
  expectSize?(bytes: number): void;
  /** Optional: chunks this sink already holds (a file sink after a restart), to resume from. */
  held?(): ChunkRecord[];
}

/**
 * A whole up to this size is allocated as soon as its size is known; a larger one grows as the
 * bytes arrive, so a peer that claims a huge whole_size cannot make the receiver allocate it.
 */
const PREALLOCATE_MAX_BYTES = 256 * 1024 * 1024;

/**
 * The default sink: the whole in one buffer, allocated once when `whole_size` is known (up to
 * 256 MiB), chunks decoded straight into place. Otherwise it grows as the bytes from offset 0
 * arrive (doubling); a chunk beyond what is allocated waits as a copy until the buffer reaches
 * it, so a chunk that claims a far offset never makes it allocate.
 *
 * @example
 * const sink = new MemorySink();
 * const assembler = new Assembler({ sink });
 * // ... add chunks, then assembler.verify(); sink.bytes() is the whole
 */
export class MemorySink implements ChunkSink {
  #whole: Buffer = Buffer.alloc(0);
  /** The end of the furthest chunk written into #whole. */
  #end = 0;
  /** Chunks that start beyond what is allocated and written, by offset. */
  readonly #early = new Map<number, Buffer>();

  /** The bytes from offset 0 to the end of the furthest chunk (the whole, once verified). */
  bytes(): Buffer {
    return this.#whole.subarray(0, this.#end);
  }

  expectSize(bytes: number): void {
    if (bytes <= PREALLOCATE_MAX_BYTES) this.#grow(bytes, bytes);
    this.#settleEarly();
  }

  reserve(offset: number, size: number): Buffer | undefined {
    const end = offset + size;
    if (end > this.#whole.length) {
      // Grow only for a chunk that starts within the bytes written: allocation follows the data.
      if (offset > this.#end) return undefined;
      this.#grow(end, Math.max(end, this.#whole.length * 2));
    }
    return this.#whole.subarray(offset, end);
  }

  write(record: ChunkRecord, data: Buffer): void {
    const place = this.reserve(record.offset, record.size);
    if (!place) {
      this.#early.set(record.offset, Buffer.from(data));
      return;
    }
    // Skip the copy when `data` is the reserved view already.
    if (data.buffer !== place.buffer || data.byteOffset !== place.byteOffset) data.copy(place);
    this.#end = Math.max(this.#end, record.offset + record.size);
    this.#settleEarly();
  }

  read(offset: number, size: number): Buffer {
    return this.#early.get(offset) ?? this.#whole.subarray(offset, offset + size);
  }

  /** Moves early chunks into the buffer once it reaches them. */
  #settleEarly(): void {
    for (let moved = true; moved && this.#early.size > 0;) {
      moved = false;
      for (const [offset, data] of this.#early) {
        const place = this.reserve(offset, data.length);
        if (!place) continue;
        data.copy(place);
        this.#early.delete(offset);
        this.#end = Math.max(this.#end, offset + data.length);
        moved = true;
      }
    }
  }

  /** Grows to at least `needed` bytes (allocating `target`), keeping what was written. */
  #grow(needed: number, target: number): void {
    if (needed <= this.#whole.length) return;
    // Unsafe is fine: only bytes covered by written chunks are ever read back.
    const grown = Buffer.allocUnsafe(target);
    this.#whole.copy(grown, 0, 0, this.#end);
    this.#whole = grown;
  }
}
