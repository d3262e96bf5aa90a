// Chunk + assemble throughput of the ko-v1 codec against the least any receiver must do: join
// the same bytes (Buffer.concat) and hash them once (sha256). ratio = baseline_time / ko_time,
// so 1.0 means "as fast as the bare minimum"; the target in issue 2 is ratio >= 0.5.
// The ko path is the real one: split into exec.chunk bodies (per-chunk sha256, whole sha256,
// base64 data) and feed each to an Assembler (base64 decode, per-chunk hash check), then
// assemble() (concat + whole hash check). Chunks stream one at a time, so 100 MB never exists
// in base64 all at once.
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  Assembler,
  chunkSizeForFrameLimit,
  DEFAULT_CHUNK_SIZE_BYTES,
  iterateChunks,
} from '../contracts/codec/index.ts';
import { median, printResults, type BenchResult } from './bench-result.ts';

const MB = 1024 * 1024;
const SIZES = [
  { label: '1 MB', bytes: 1 * MB, runs: 15 },
  { label: '10 MB', bytes: 10 * MB, runs: 5 },
  { label: '100 MB', bytes: 100 * MB, runs: 3 },
];

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

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const size of SIZES) {
    const payload = randomBytes(size.bytes);
    for (const chunk of CHUNK_SIZES) {
      const chunkSize = chunk.bytes;
      baseline(payload, chunkSize);
      ko(payload, chunkSize);
      const baseTimes: number[] = [];
      const koTimes: number[] = [];
      const b64Times: number[] = [];
      // Interleaved, so a noisy neighbour slows both sides alike.
      for (let i = 0; i < size.runs; i++) {
        baseTimes.push(baseline(payload, chunkSize));
        koTimes.push(ko(payload, chunkSize));
        b64Times.push(base64Only(payload, chunkSize));
      }
      const base = median(baseTimes);
      const koTime = median(koTimes);
      const b64 = median(b64Times);
      const ratio = base / koTime;
      results.push({
        name: `chunk + assemble ${size.label}, ${chunk.label}`,
        baseline: 'Buffer.concat + sha256 of the same bytes',
        ratio,
        detail:
          `target >= 0.5x: ${ratio >= 0.5 ? 'met' : 'NOT met'}; ` +
          `ko ${koTime.toFixed(1)} ms (${mbPerSecond(size.bytes, koTime).toFixed(0)} MB/s), ` +
          `baseline ${base.toFixed(1)} ms (${mbPerSecond(size.bytes, base).toFixed(0)} MB/s), ` +
          `base64 encode+decode alone ${b64.toFixed(1)} ms; median of ${size.runs}, ` +
          `peak RSS so far ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
      });
    }
  }
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printResults(await run());
