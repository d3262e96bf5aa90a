import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Assembler,
  ChunkStreamer,
  sha256Hex,
  splitIntoChunks,
  type ExecChunkBody,
} from '../../../contracts/codec/index.ts';
import { deliverLossy, resend, seededBytes, seededRandom } from './lossy-delivery.ts';

const MB = 1024 * 1024;
/** Keeps a run cheap: at most this many chunks per payload. */
const MAX_CHUNKS = 1500;

const network = fc.record({
  seed: fc.integer(),
  dropRate: fc.double({ min: 0, max: 0.6, noNaN: true }),
  duplicateRate: fc.double({ min: 0, max: 0.5, noNaN: true }),
});

/** Small payloads as real arrays (good shrinking) or large ones from a seed (cheap to make). */
const payload = (maxBytes: number) =>
  fc.oneof(
    fc.uint8Array({ maxLength: 4096 }).map((a) => Buffer.from(a)),
    fc
      .record({ length: fc.integer({ min: 0, max: maxBytes }), seed: fc.integer() })
      .map(({ length, seed }) => seededBytes(length, seed)),
  );

const chunkSizeFor = (requested: number, length: number) =>
  Math.max(requested, Math.ceil(length / MAX_CHUNKS));

describe('chunk → shuffle → duplicate → drop → nack → assemble', () => {
  const roundTrip = (
    bytes: Buffer,
    requestedChunkSize: number,
    net: { seed: number; dropRate: number; duplicateRate: number },
  ) => {
    const chunkSize = chunkSizeFor(requestedChunkSize, bytes.length);
    const chunks = splitIntoChunks(bytes, { transferId: 'p-1', chunkSize });
    const assembler = new Assembler({ transferId: 'p-1' });
    const dropped = deliverLossy(chunks, assembler, net);
    if (dropped.length === chunks.length) {
      // Nothing arrived, so nothing told the total: the hub learns it from exec.result.
      expect(assembler.missing()).toEqual([]);
      const first = chunks[0] as ExecChunkBody;
      assembler.expect({
        total: chunks.length,
        wholeSha256: first.whole_sha256 as string,
        wholeSize: bytes.length,
      });
    }
    expect(assembler.missing()).toEqual(dropped);
    expect(assembler.isComplete()).toBe(dropped.length === 0);
    resend(chunks, assembler.missing(), assembler);
    expect(assembler.missing()).toEqual([]);
    const whole = assembler.assemble();
    expect(whole.length).toBe(bytes.length);
    expect(whole.equals(bytes)).toBe(true);
  };

  it('any payload up to 3 MB survives, byte for byte', () => {
    fc.assert(
      fc.property(payload(3 * MB), fc.integer({ min: 1, max: 300 * 1024 }), network, roundTrip),
      { numRuns: 60 },
    );
  });

  it('10 MB payloads survive too (few runs, large chunks)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10 * MB - 4096, max: 10 * MB + 4096 }),
        fc.integer(),
        fc.integer({ min: 64 * 1024, max: 256 * 1024 }),
        network,
        (length, seed, chunkSize, net) => roundTrip(seededBytes(length, seed), chunkSize, net),
      ),
      { numRuns: 3 },
    );
  });
});

describe('ChunkStreamer: live output → lossy network → assemble', () => {
  it('any sequence of writes and flushes survives, byte for byte', () => {
    fc.assert(
      fc.property(
        payload(2 * MB),
        fc.integer({ min: 1, max: 128 * 1024 }),
        fc.integer(),
        network,
        (bytes, requestedChunkSize, writeSeed, net) => {
          const chunkSize = chunkSizeFor(requestedChunkSize, bytes.length);
          const streamer = new ChunkStreamer({
            transferId: 'job-1.stdout',
            jobId: 'job-1',
            stream: 'stdout',
            chunkSize,
          });
          const random = seededRandom(writeSeed);
          const chunks: ExecChunkBody[] = [];
          for (let at = 0; at < bytes.length;) {
            // Pieces from 1 byte to 3 chunks long, with a flush now and then (the live timer).
            const size = 1 + Math.floor(random() * random() * 3 * chunkSize);
            chunks.push(...streamer.write(bytes.subarray(at, at + size)));
            at += size;
            if (random() < 0.2) chunks.push(...streamer.flush());
          }
          chunks.push(streamer.end());
          const totals = streamer.totals();

          expect(totals).toEqual({
            bytes: bytes.length,
            sha256: sha256Hex(bytes),
            chunks: chunks.length,
          });
          chunks.forEach((chunk, seq) => {
            expect(chunk.seq).toBe(seq);
            expect(chunk.size).toBeLessThanOrEqual(chunkSize);
            expect(chunk.total).toBe(seq === chunks.length - 1 ? chunks.length : null);
          });

          const assembler = new Assembler();
          const dropped = deliverLossy(chunks, assembler, net);
          // Before the summary arrives, only gaps below the highest seq seen are known.
          const known = assembler.missing();
          expect(dropped).toEqual(expect.arrayContaining(known));
          // exec.result's stream summary tells the rest.
          assembler.expect({
            total: totals.chunks,
            wholeSha256: totals.sha256,
            wholeSize: totals.bytes,
          });
          expect(assembler.missing()).toEqual(dropped);
          resend(chunks, assembler.missing(), assembler);
          expect(assembler.assemble().equals(bytes)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});
