// The ko-v1 chunking paths against the least a receiver must do with the same bytes.
// ratio = baseline_time / ko_time, so 1.0 means "as fast as the bare minimum"; issue 2's target
// is ratio >= 0.5.
// 1. chunk + assemble (a known payload, in memory): iterateChunks (per-chunk sha256, whole
//    sha256, base64) into an Assembler (base64 decode, per-chunk hash check, whole hash check);
//    baseline Buffer.concat + one sha256.
// 2. live output to disk (what runner and hub do with a job's stdout): 64 KiB pieces into the
//    runner's OutputChunker (ChunkStreamer), each chunk into the hub's OutputStore (Assembler
//    over a FileChunkSink), then the stream checked against its summary; baseline the same
//    pieces written to a file and hashed once. Both stop before fsync.
// Chunks stream one at a time, so 100 MB never exists in base64 all at once.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Assembler,
  chunkSizeForFrameLimit,
  DEFAULT_CHUNK_SIZE_BYTES,
  iterateChunks,
} from '../contracts/codec/index.ts';
import { OutputChunker } from '../runner/src/output-chunker.ts';
import { OutputStore } from '../src/hub/output-store.ts';
import { median, printResults, type BenchResult } from './bench-result.ts';

const MB = 1024 * 1024;
const SIZES = [
  { label: '1 MB', bytes: 1 * MB, runs: 15 },
  { label: '10 MB', bytes: 10 * MB, runs: 5 },
  { label: '100 MB', bytes: 100 * MB, runs: 3 },
];
/** What a child process's pipe hands over per read. */
const PIPE_READ_BYTES = 64 * 1024;

function baseline(payload: Buffer, chunkSize: number): number {
  const pieces: Buffer[] = [];
  for (let at = 0; at < payload.length; at += chunkSize) {
    pieces.push(payload.subarray(at, at + chunkSize));
  }
  const started = performance.now();
  const whole = Buffer.concat(pieces, payload.length);
  createHash('sha256').update(whole).digest('hex');
  return performance.now() - started;
}

function ko(payload: Buffer, chunkSize: number): number {
  const started = performance.now();
  const assembler = new Assembler({ transferId: 'bench' });
  for (const body of iterateChunks(payload, { transferId: 'bench', chunkSize })) {
    assembler.add(body);
  }
  const whole = assembler.assemble();
  const elapsed = performance.now() - started;
  if (whole.length !== payload.length) throw new Error('bench: assembled size differs');
  return elapsed;
}

/** Base64 round trip alone, to show how much of the ko time is the JSON-safe encoding. */
function base64Only(payload: Buffer, chunkSize: number): number {
  const started = performance.now();
  for (let at = 0; at < payload.length; at += chunkSize) {
    Buffer.from(payload.subarray(at, at + chunkSize).toString('base64'), 'base64');
  }
  return performance.now() - started;
}

function diskBaseline(payload: Buffer, dir: string): number {
  const path = join(dir, 'baseline.out');
  const started = performance.now();
  const fd = openSync(path, 'w');
  const hash = createHash('sha256');
  for (let at = 0; at < payload.length; at += PIPE_READ_BYTES) {
    const piece = payload.subarray(at, at + PIPE_READ_BYTES);
    writeSync(fd, piece);
    hash.update(piece);
  }
  hash.digest('hex');
  const elapsed = performance.now() - started;
  closeSync(fd);
  rmSync(path);
  return elapsed;
}

let jobs = 0;
function koDisk(payload: Buffer, chunkSize: number, dir: string): number {
  const jobId = `bench-${jobs++}`;
  const started = performance.now();
  const outputs = new OutputStore(dir);
  const chunker = new OutputChunker({
    jobId,
    stream: 'stdout',
    chunkSizeBytes: chunkSize,
    emit: (chunk) => outputs.accept(jobId, chunk),
  });
  for (let at = 0; at < payload.length; at += PIPE_READ_BYTES) {
    chunker.write(payload.subarray(at, at + PIPE_READ_BYTES));
  }
  const check = outputs.check(jobId, 'stdout', chunker.end(false));
  const elapsed = performance.now() - started;
  if (check.state !== 'verified') throw new Error(`bench: stream not verified: ${check.state}`);
  outputs.closeAll();
  rmSync(join(dir, jobId), { recursive: true, force: true });
  return elapsed;
}

const mbPerSecond = (bytes: number, ms: number) => ((bytes / MB) * 1000) / ms;

/**
 * The default 200 KiB chunk, and the largest chunk whose frame fits API Gateway's 128 KB
 * messages (96,768 bytes). The second also keeps each chunk's base64 string under V8's 128 KiB
 * regular-object limit; larger strings go to large-object space, which costs far more per
 * allocation (see contracts/README.md, Performance).
 */
const CHUNK_SIZES = [
  { label: '200 KiB chunks', bytes: DEFAULT_CHUNK_SIZE_BYTES },
  { label: '96,768 B chunks', bytes: chunkSizeForFrameLimit(128 * 1024) },
];

interface Pair {
  name: string;
  baseline: string;
  base: () => number;
  ko: () => number;
  extra?: () => number;
  extraLabel?: string;
}

function measure(pair: Pair, bytes: number, runs: number): BenchResult {
  pair.base();
  pair.ko();
  const baseTimes: number[] = [];
  const koTimes: number[] = [];
  const extraTimes: number[] = [];
  // Interleaved, so a noisy neighbour slows both sides alike.
  for (let i = 0; i < runs; i++) {
    baseTimes.push(pair.base());
    koTimes.push(pair.ko());
    if (pair.extra) extraTimes.push(pair.extra());
  }
  const base = median(baseTimes);
  const koTime = median(koTimes);
  const ratio = base / koTime;
  return {
    name: pair.name,
    baseline: pair.baseline,
    ratio,
    detail:
      `target >= 0.5x: ${ratio >= 0.5 ? 'met' : 'NOT met'}; ` +
      `ko ${koTime.toFixed(1)} ms (${mbPerSecond(bytes, koTime).toFixed(0)} MB/s), ` +
      `baseline ${base.toFixed(1)} ms (${mbPerSecond(bytes, base).toFixed(0)} MB/s), ` +
      (pair.extra ? `${pair.extraLabel} ${median(extraTimes).toFixed(1)} ms; ` : '') +
      `median of ${runs}, peak RSS so far ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
  };
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'ko-chunking-bench-'));
  try {
    for (const size of SIZES) {
      const payload = randomBytes(size.bytes);
      for (const chunk of CHUNK_SIZES) {
        results.push(
          measure(
            {
              name: `chunk + assemble ${size.label}, ${chunk.label}`,
              baseline: 'Buffer.concat + sha256 of the same bytes',
              base: () => baseline(payload, chunk.bytes),
              ko: () => ko(payload, chunk.bytes),
              extra: () => base64Only(payload, chunk.bytes),
              extraLabel: 'base64 encode+decode alone',
            },
            size.bytes,
            size.runs,
          ),
          measure(
            {
              name: `live output to disk ${size.label}, ${chunk.label}`,
              baseline: 'the same 64 KiB pieces written to a file + sha256',
              base: () => diskBaseline(payload, dir),
              ko: () => koDisk(payload, chunk.bytes, dir),
            },
            size.bytes,
            size.runs,
          ),
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printResults(await run());
