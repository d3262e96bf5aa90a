import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KoError } from '../../../contracts/errors.ts';
import {
  Assembler,
  ChunkStreamer,
  KoProtocolError,
  MemorySink,
  splitIntoChunks,
  type ChunkRecord,
  type ChunkSink,
  type ExecChunkBody,
} from '../../../contracts/codec/index.ts';

const CHUNK = 1024;
const bytes = (length: number, seed = 1): Buffer => {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
};
const split = (payload: Buffer) =>
  splitIntoChunks(payload, { transferId: 't-1', chunkSize: CHUNK, stream: 'stdout' });
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof KoError) return error.code;
    throw error;
  }
  return undefined;
}

describe('splitIntoChunks + Assembler, sizes at the edges', () => {
  it.each([
    { size: 0, chunks: 1 },
    { size: 1, chunks: 1 },
    { size: CHUNK - 1, chunks: 1 },
    { size: CHUNK, chunks: 1 },
    { size: CHUNK + 1, chunks: 2 },
    { size: 3 * CHUNK, chunks: 3 },
  ])('$size bytes → $chunks chunks, reassembled byte for byte', ({ size, chunks: expected }) => {
    const payload = bytes(size);
    const chunks = split(payload);
    expect(chunks).toHaveLength(expected);
    expect(chunks.map((c) => c.offset)).toEqual(chunks.map((_, i) => i * CHUNK));
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({
        total: expected,
        whole_size: size,
        whole_sha256: sha(payload),
      });
      expect(chunk.size).toBeLessThanOrEqual(CHUNK);
      expect(chunk.sha256).toBe(sha(Buffer.from(chunk.data, 'base64')));
    }
    const assembler = new Assembler();
    for (const chunk of [...chunks].reverse()) assembler.add(chunk);
    expect(assembler.isComplete()).toBe(true);
    expect(assembler.missing()).toEqual([]);
    expect(assembler.assemble().equals(payload)).toBe(true);
  });
});

describe('Assembler refusals', () => {
  const payload = bytes(3 * CHUNK + 10);
  const chunks = split(payload);
  const chunk = (seq: number, change: Partial<ExecChunkBody> = {}): ExecChunkBody => ({
    ...(chunks[seq] as ExecChunkBody),
    ...change,
  });
  const other = bytes(CHUNK, 99);

  interface RefusalCase {
    name: string;
    before: ExecChunkBody[];
    chunk: ExecChunkBody;
    expected: string;
  }
  const cases: RefusalCase[] = [
    {
      name: 'duplicate seq with different data and a matching hash',
      before: [chunk(1)],
      chunk: chunk(1, { data: other.toString('base64'), sha256: sha(other) }),
      expected: 'KO_CHUNK_CONFLICT',
    },
    {
      name: 'duplicate seq whose data fails its own hash',
      before: [chunk(1)],
      chunk: chunk(1, { data: other.toString('base64') }),
      expected: 'KO_CHUNK_HASH_MISMATCH',
    },
    {
      name: 'chunk whose data fails its sha256',
      before: [],
      chunk: chunk(2, { data: other.toString('base64') }),
      expected: 'KO_CHUNK_HASH_MISMATCH',
    },
    {
      name: 'chunk whose size disagrees with its data',
      before: [],
      chunk: chunk(2, { size: CHUNK - 1 }),
      expected: 'KO_CHUNK_HASH_MISMATCH',
    },
    {
      name: 'chunk of another transfer',
      before: [chunk(0)],
      chunk: chunk(1, { transfer_id: 't-2' }),
      expected: 'KO_CHUNK_INVALID',
    },
    {
      name: 'chunk that changes the total',
      before: [chunk(0)],
      chunk: chunk(1, { total: 5 }),
      expected: 'KO_CHUNK_CONFLICT',
    },
    {
      name: 'chunk that changes whole_sha256',
      before: [chunk(0)],
      chunk: chunk(1, { whole_sha256: sha(other) }),
      expected: 'KO_CHUNK_CONFLICT',
    },
    {
      name: 'seq beyond the total',
      before: [],
      chunk: chunk(0, { seq: 4 }),
      expected: 'KO_CHUNK_INVALID',
    },
    {
      name: 'offset leaving a gap after its neighbour',
      before: [chunk(0)],
      chunk: chunk(1, { offset: CHUNK + 1 }),
      expected: 'KO_CHUNK_CONFLICT',
    },
    {
      name: 'duplicate at another offset',
      before: [chunk(1)],
      chunk: chunk(1, { offset: 0 }),
      expected: 'KO_CHUNK_CONFLICT',
    },
  ];

  it.each(cases)('$name → $expected', ({ before, chunk: next, expected }) => {
    const assembler = new Assembler();
    for (const c of before) assembler.add(c);
    expect(codeOf(() => assembler.add(next))).toBe(expected);
    // A refused chunk is not held: it stays missing and the good copy still completes the whole.
    for (const c of chunks) assembler.add(c);
    expect(assembler.assemble().equals(payload)).toBe(true);
  });

  it('ignores exact duplicates', () => {
    const assembler = new Assembler();
    expect(assembler.add(chunk(1))).toBe('added');
    expect(assembler.add(chunk(1))).toBe('duplicate');
    expect(assembler.receivedBytes).toBe(CHUNK);
  });

  it('names the missing seq numbers and refuses to assemble until they arrive', () => {
    const assembler = new Assembler();
    assembler.add(chunk(0));
    assembler.add(chunk(2));
    expect(assembler.missing()).toEqual([1, 3]);
    expect(assembler.missing(1)).toEqual([1]);
    expect(assembler.isComplete()).toBe(false);
    expect(codeOf(() => assembler.assemble())).toBe('KO_TRANSFER_INCOMPLETE');
    assembler.add(chunk(3));
    assembler.add(chunk(1));
    expect(assembler.assemble().equals(payload)).toBe(true);
  });

  it('rejects a whole that fails whole_sha256, with both hashes in the message', () => {
    const wrong = sha(other);
    const assembler = new Assembler();
    for (const c of chunks) assembler.add({ ...c, whole_sha256: wrong });
    let caught: unknown;
    try {
      assembler.assemble();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(KoProtocolError);
    expect((caught as KoProtocolError).code).toBe('KO_TRANSFER_HASH_MISMATCH');
    expect((caught as KoProtocolError).message).toContain(wrong);
    expect((caught as KoProtocolError).message).toContain(sha(payload));
  });

  it('rejects a whole whose size disagrees with whole_size', () => {
    const assembler = new Assembler();
    const size = payload.length + 1;
    expect(
      codeOf(() => {
        for (const c of chunks) assembler.add({ ...c, whole_size: size });
        assembler.assemble();
      }),
    ).toBe('KO_TRANSFER_HASH_MISMATCH');
  });

  it('refuses transfers over maxBytes, early when whole_size says so', () => {
    expect(codeOf(() => new Assembler({ maxBytes: 100 }).add(chunk(0)))).toBe(
      'KO_TRANSFER_TOO_LARGE',
    );
    expect(codeOf(() => new Assembler({ maxChunkBytes: 100 }).add(chunk(0)))).toBe(
      'KO_CHUNK_INVALID',
    );
  });

  it('classes conflicts as CONFLICT and hash mismatches as retryable TRANSIENT', () => {
    const assembler = new Assembler();
    assembler.add(chunk(1));
    try {
      assembler.add(chunk(1, { data: other.toString('base64'), sha256: sha(other) }));
    } catch (error) {
      expect((error as KoProtocolError).exitClass).toBe('CONFLICT');
    }
    try {
      assembler.add(chunk(2, { sha256: sha(other) }));
    } catch (error) {
      expect((error as KoProtocolError).exitClass).toBe('TRANSIENT');
    }
    expect.assertions(2);
  });
});

describe('Assembler with a live stream', () => {
  it('holds chunks that came before the total was known and merges them with later ones', () => {
    const streamer = new ChunkStreamer({ transferId: 'j.stdout', stream: 'stdout', chunkSize: 5 });
    const payload = Buffer.from('live output, line one\nline two\n');
    const chunks = [...streamer.write(payload.subarray(0, 17)), ...streamer.flush()];
    chunks.push(...streamer.write(payload.subarray(17)), streamer.end());
    const assembler = new Assembler();
    assembler.add(chunks[3] as ExecChunkBody);
    assembler.add(chunks[0] as ExecChunkBody);
    expect(assembler.total).toBeUndefined();
    expect(assembler.missing()).toEqual([1, 2]);
    const totals = streamer.totals();
    assembler.expect({ total: totals.chunks, wholeSha256: totals.sha256, wholeSize: totals.bytes });
    for (const chunk of chunks.slice(1)) assembler.add(chunk);
    expect(assembler.assemble().equals(payload)).toBe(true);
  });
});

/** A sink that keeps chunks in a Map and counts read-backs, to see what the Assembler asks of it. */
class RecordingSink implements ChunkSink {
  readonly chunks = new Map<number, Buffer>();
  reads = 0;
  constructor(readonly restored: ChunkRecord[] = []) {}
  write(record: ChunkRecord, data: Buffer): void {
    this.chunks.set(record.offset, Buffer.from(data));
  }
  read(offset: number): Buffer {
    this.reads += 1;
    return this.chunks.get(offset) ?? Buffer.alloc(0);
  }
  held(): ChunkRecord[] {
    return this.restored;
  }
}

describe('Assembler with its own sink', () => {
  const payload = bytes(5 * CHUNK + 7);
  const chunks = split(payload);

  it.each([
    { name: 'in order', order: [0, 1, 2, 3, 4, 5], reads: 0 },
    { name: 'reversed', order: [5, 4, 3, 2, 1, 0], reads: 5 },
    { name: 'one early chunk', order: [0, 2, 1, 3, 4, 5], reads: 1 },
  ])('hashes the whole as it grows: $name → $reads read-backs', ({ order, reads }) => {
    const sink = new RecordingSink();
    const assembler = new Assembler({ sink });
    for (const seq of order) assembler.add(chunks[seq] as ExecChunkBody);
    expect(assembler.verify()).toEqual({ size: payload.length, sha256: sha(payload) });
    expect(sink.reads).toBe(reads);
    expect(Buffer.concat([...sink.chunks.values()].reverse()).length).toBe(payload.length);
    // Asked again, the answer is kept: no more reads, no second hash.
    expect(assembler.verify().sha256).toBe(sha(payload));
    expect(sink.reads).toBe(reads);
  });

  const recordOf = (seq: number, change: Partial<ChunkRecord> = {}): ChunkRecord => {
    const c = chunks[seq] as ExecChunkBody;
    return { seq, offset: c.offset, size: c.size, sha256: c.sha256, ...change };
  };
  const expectation = {
    total: chunks.length,
    wholeSha256: sha(payload),
    wholeSize: payload.length,
  };

  it('resumes from the chunks the sink says it holds', () => {
    const first = new RecordingSink();
    const before = new Assembler({ sink: first });
    for (const seq of [0, 1, 3]) before.add(chunks[seq] as ExecChunkBody);
    const sink = new RecordingSink([0, 1, 3].map((seq) => recordOf(seq)));
    for (const [offset, data] of first.chunks) sink.chunks.set(offset, data);
    const after = new Assembler({ sink });
    // The records carry no total: only the gap below the highest seq is known...
    expect(after.missing()).toEqual([2]);
    // ...until a chunk or the stream summary tells it.
    expect(after.add(chunks[3] as ExecChunkBody)).toBe('duplicate');
    expect(after.missing()).toEqual([2, 4, 5]);
    for (const seq of [2, 4, 5]) after.add(chunks[seq] as ExecChunkBody);
    expect(after.verify().sha256).toBe(sha(payload));
  });

  it('restored chunks whose offsets do not line up fail verify as a conflict', () => {
    const sink = new RecordingSink(
      [0, 1, 2, 3, 4, 5].map((seq) => recordOf(seq, seq === 3 ? { offset: 3 * CHUNK + 1 } : {})),
    );
    for (const chunk of chunks) sink.chunks.set(chunk.offset, Buffer.from(chunk.data, 'base64'));
    const assembler = new Assembler({ sink });
    assembler.expect(expectation);
    expect(assembler.isComplete()).toBe(true);
    expect(codeOf(() => assembler.verify())).toBe('KO_CHUNK_CONFLICT');
  });

  it('a restored chunk the sink cannot read back in full fails verify', () => {
    const sink = new RecordingSink([0, 1, 2, 3, 4, 5].map((seq) => recordOf(seq)));
    for (const chunk of chunks.slice(0, 4)) {
      sink.chunks.set(chunk.offset, Buffer.from(chunk.data, 'base64'));
    }
    const assembler = new Assembler({ sink });
    assembler.expect(expectation);
    expect(codeOf(() => assembler.verify())).toBe('KO_TRANSFER_HASH_MISMATCH');
  });
});

describe('MemorySink', () => {
  const data = bytes(10_000);
  const pieces = (size: number) =>
    Array.from({ length: Math.ceil(data.length / size) }, (_, i) => ({
      seq: i,
      offset: i * size,
      size: Math.min(size, data.length - i * size),
      sha256: '',
    }));

  it.each([
    { name: 'in order', order: (n: number) => Array.from({ length: n }, (_, i) => i) },
    { name: 'reversed', order: (n: number) => Array.from({ length: n }, (_, i) => n - 1 - i) },
    {
      name: 'far chunk first',
      order: (n: number) => [2, 0, 1, ...Array.from({ length: n - 3 }, (_, i) => i + 3)],
    },
  ])('grows while the size is unknown and keeps every byte: $name', ({ order }) => {
    const sink = new MemorySink();
    const records = pieces(999);
    for (const seq of order(records.length)) {
      const record = records[seq] as ChunkRecord;
      sink.write(record, data.subarray(record.offset, record.offset + record.size));
    }
    expect(sink.bytes().equals(data)).toBe(true);
  });

  it('does not allocate for a chunk that claims a far offset', () => {
    const far = Buffer.from('abc');
    const chunk: ExecChunkBody = {
      transfer_id: 't-far',
      stream: 'stdout',
      seq: 7,
      total: null,
      offset: 2 ** 31,
      size: 3,
      sha256: sha(far),
      data: far.toString('base64'),
    };
    const before = process.memoryUsage().arrayBuffers;
    const assembler = new Assembler();
    expect(assembler.add(chunk)).toBe('added');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1024 * 1024);
  });
});
