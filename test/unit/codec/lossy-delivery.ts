// Test helper: a seeded, lossy, reordering, duplicating network between a chunk sender and an
// Assembler. Deterministic per seed so fast-check can replay and shrink failures.
import type { Assembler, ExecChunkBody } from '../../../contracts/codec/index.ts';

/** xorshift32: fast and seedable; the quality is plenty for shuffling test input. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}

/** `length` pseudo-random bytes from `seed`, 4 at a time. */
export function seededBytes(length: number, seed: number): Buffer {
  const random = seededRandom(seed);
  const words = new Uint32Array(Math.ceil(length / 4));
  for (let i = 0; i < words.length; i++) words[i] = Math.floor(random() * 0x1_0000_0000);
  return Buffer.from(words.buffer, 0, length);
}

export interface Network {
  seed: number;
  /** Probability that a chunk is lost on the first pass. */
  dropRate: number;
  /** Probability that a delivered chunk arrives twice. */
  duplicateRate: number;
}

/**
 * Sends `chunks` through the network once (shuffled, some dropped, some doubled) and returns the
 * seq numbers that were dropped.
 */
export function deliverLossy(
  chunks: ExecChunkBody[],
  assembler: Assembler,
  net: Network,
): number[] {
  const random = seededRandom(net.seed);
  const order = [...chunks];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as ExecChunkBody, order[i] as ExecChunkBody];
  }
  const dropped: number[] = [];
  for (const chunk of order) {
    if (random() < net.dropRate) {
      dropped.push(chunk.seq);
      continue;
    }
    assembler.add(chunk);
    if (random() < net.duplicateRate) assembler.add(chunk);
  }
  return dropped.sort((a, b) => a - b);
}

/** Answers a nack: delivers each requested chunk (twice, as a retrying sender might). */
export function resend(chunks: ExecChunkBody[], seqs: number[], assembler: Assembler): void {
  for (const seq of seqs) {
    const chunk = chunks[seq] as ExecChunkBody;
    assembler.add(chunk);
    assembler.add(chunk);
  }
}
