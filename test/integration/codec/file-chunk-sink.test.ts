// The codec's Assembler with its bytes on disk (FileChunkSink): what the hub uses for job output.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Assembler,
  ChunkStreamer,
  FileChunkSink,
  KoProtocolError,
  sha256Hex,
  splitIntoChunks,
  type ExecChunkBody,
} from '../../../contracts/codec/index.ts';
import { KoError } from '../../../contracts/errors.ts';
import {
  deliverLossy,
  resend,
  seededBytes,
  seededRandom,
} from '../../unit/codec/lossy-delivery.ts';

let dir: string;
let paths: { data: string; index: string };
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ko-file-sink-'));
  paths = { data: join(dir, 'stdout.out'), index: join(dir, 'stdout.idx') };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const CHUNK = 1000;
const payload = seededBytes(5 * CHUNK + 123, 7);
const chunks = splitIntoChunks(payload, { transferId: 't.stdout', chunkSize: CHUNK });
const at = (seq: number): ExecChunkBody => chunks[seq] as ExecChunkBody;

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof KoError) return error.code;
    throw error;
  }
  return undefined;
}

describe('Assembler + FileChunkSink', () => {
  it('writes chunks at their offsets in any order and verifies the file against whole_sha256', () => {
    const sink = new FileChunkSink(paths);
    const assembler = new Assembler({ sink });
    for (const seq of [3, 0, 5, 1, 4, 2]) expect(assembler.add(at(seq))).toBe('added');
    expect(assembler.add(at(4))).toBe('duplicate');
    expect(assembler.verify()).toEqual({ size: payload.length, sha256: sha256Hex(payload) });
    sink.close();
    expect(readFileSync(paths.data).equals(payload)).toBe(true);
    expect(readFileSync(paths.index, 'utf8').trim().split('\n')).toHaveLength(6);
  });

  it('keeps nothing in memory for the caller: assemble() points to verify() and the sink', () => {
    const sink = new FileChunkSink(paths);
    const assembler = new Assembler({ sink });
    for (const chunk of chunks) assembler.add(chunk);
    expect(codeOf(() => assembler.assemble())).toBe('KO_ASSEMBLER_SINK');
    sink.close();
  });

  it('resumes after a restart from the index, and skips torn or older-format lines', async () => {
    const first = new FileChunkSink(paths);
    const before = new Assembler({ sink: first });
    for (const seq of [0, 2, 5]) before.add(at(seq));
    await first.sync();
    first.close();
    // A crash mid-line, and a line in the format before records carried offsets and hashes.
    appendFileSync(paths.index, '4\n3 3000 10');

    const sink = new FileChunkSink(paths);
    const after = new Assembler({ sink });
    expect(after.receivedBytes).toBe(2 * CHUNK + 123);
    expect(after.missing()).toEqual([1, 3, 4]);
    expect(after.add(at(2))).toBe('duplicate');
    for (const seq of after.missing()) after.add(at(seq));
    expect(after.verify().sha256).toBe(sha256Hex(payload));
    sink.close();
    expect(readFileSync(paths.data).equals(payload)).toBe(true);
  });

  it('fails verify() when stored bytes were lost (the data file cut short while down)', () => {
    const first = new FileChunkSink(paths);
    const before = new Assembler({ sink: first });
    for (const seq of [1, 2, 3, 4, 5]) before.add(at(seq));
    first.close();
    truncateSync(paths.data, 2 * CHUNK + 10);

    const sink = new FileChunkSink(paths);
    const after = new Assembler({ sink });
    after.add(at(0));
    expect(codeOf(() => after.verify())).toBe('KO_TRANSFER_HASH_MISMATCH');
    // The verdict is kept: asking again gives the same answer without reading again.
    expect(codeOf(() => after.verify())).toBe('KO_TRANSFER_HASH_MISMATCH');
    sink.close();
  });

  it('refuses a chunk that fails its own hash without writing it', () => {
    const sink = new FileChunkSink(paths);
    const assembler = new Assembler({ sink });
    const bad = { ...at(1), data: Buffer.alloc(CHUNK, 1).toString('base64') };
    expect(codeOf(() => assembler.add(bad))).toBe('KO_CHUNK_HASH_MISMATCH');
    expect(readFileSync(paths.index, 'utf8')).toBe('');
    expect(assembler.missing()).toEqual([0, 1, 2, 3, 4, 5]);
    sink.close();
  });

  it('a live stream lost in transit and a receiver restarted at a random point still verifies', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300_000 }),
        fc.integer({ min: 1, max: 64 * 1024 }),
        fc.integer(),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (length, requested, seed, dropRate) => {
          const bytes = seededBytes(length, seed);
          const chunkSize = Math.max(requested, Math.ceil(length / 500));
          const streamer = new ChunkStreamer({
            transferId: 'j.stdout',
            stream: 'stdout',
            chunkSize,
          });
          const random = seededRandom(seed);
          const sent: ExecChunkBody[] = [];
          for (let offset = 0; offset < length;) {
            const size = 1 + Math.floor(random() * 2 * chunkSize);
            sent.push(...streamer.write(bytes.subarray(offset, offset + size)));
            offset += size;
          }
          sent.push(streamer.end());
          const totals = streamer.totals();

          rmSync(paths.data, { force: true });
          rmSync(paths.index, { force: true });
          const cut = Math.floor(random() * sent.length);
          let sink = new FileChunkSink(paths);
          let assembler = new Assembler({ sink });
          deliverLossy(sent.slice(0, cut), assembler, { seed, dropRate, duplicateRate: 0.2 });
          sink.close(); // the hub restarts
          sink = new FileChunkSink(paths);
          assembler = new Assembler({ sink });
          deliverLossy(sent.slice(cut), assembler, {
            seed: seed + 1,
            dropRate,
            duplicateRate: 0.2,
          });
          assembler.expect({
            total: totals.chunks,
            wholeSha256: totals.sha256,
            wholeSize: totals.bytes,
          });
          resend(sent, assembler.missing(), assembler);
          expect(assembler.verify()).toEqual({ size: length, sha256: sha256Hex(bytes) });
          sink.close();
          expect(readFileSync(paths.data).subarray(0, length).equals(bytes)).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('names the error class of a refusal (KoProtocolError) so callers can branch on code', () => {
    const sink = new FileChunkSink(paths);
    const assembler = new Assembler({ sink });
    assembler.add(at(1));
    let caught: unknown;
    try {
      assembler.add({ ...at(1), offset: 0 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(KoProtocolError);
    expect((caught as KoProtocolError).code).toBe('KO_CHUNK_CONFLICT');
    sink.close();
  });
});
