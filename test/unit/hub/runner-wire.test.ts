// Pure parts of the runner side of ko-v1: reconnect backoff and output chunking.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ExecChunkBody } from '../../../contracts/ko-v1/generated/ko-v1.ts';
import { backoffDelay } from '../../../runner/src/backoff.ts';
import { OutputChunker } from '../../../runner/src/output-chunker.ts';

describe('backoffDelay', () => {
  const cases = [
    { attempt: 0, random: 0, expected: 500 },
    { attempt: 0, random: 1, expected: 1_000 },
    { attempt: 3, random: 0, expected: 4_000 },
    { attempt: 3, random: 1, expected: 8_000 },
    { attempt: 6, random: 1, expected: 60_000 },
    { attempt: 40, random: 0, expected: 30_000 },
  ];
  for (const c of cases) {
    it(`attempt ${c.attempt}, random ${c.random} → ${c.expected} ms`, () => {
      expect(
        backoffDelay(c.attempt, { baseMs: 1_000, maxMs: 60_000, random: () => c.random }),
      ).toBe(c.expected);
    });
  }
});

describe('OutputChunker', () => {
  const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
  /** A chunker for job j1 that collects what it emits. */
  const chunkerFor = (
    options: { stream?: 'stdout' | 'stderr'; size?: number; omitEmpty?: boolean } = {},
  ): { chunker: OutputChunker; emitted: ExecChunkBody[] } => {
    const emitted: ExecChunkBody[] = [];
    const chunker = new OutputChunker({
      jobId: 'j1',
      stream: options.stream ?? 'stdout',
      chunkSizeBytes: options.size ?? 4,
      emit: (x) => emitted.push(x),
      ...(options.omitEmpty ? { omitEmpty: true } : {}),
    });
    return { chunker, emitted };
  };
  const cases = [
    {
      name: 'nothing (for a hub without omit_empty_streams)',
      writes: [] as string[],
      size: 4,
      chunks: 1,
    },
    {
      name: 'exactly one chunk, then the empty last',
      writes: ['abcd'],
      size: 4,
      chunks: 2,
    },
    { name: 'split writes', writes: ['ab', 'cdefg', 'hij'], size: 4, chunks: 3 },
    { name: 'multi-byte text', writes: ['héllo wörld ✓'], size: 5, chunks: 4 },
  ];
  for (const c of cases) {
    it(`${c.name}: numbered, offsets add up, hashes match, last carries the total`, () => {
      const { chunker, emitted } = chunkerFor({ size: c.size });
      for (const w of c.writes) chunker.write(Buffer.from(w, 'utf8'));
      const summary = chunker.end(false);
      const whole = Buffer.from(c.writes.join(''), 'utf8');
      expect(emitted).toHaveLength(c.chunks);
      expect(summary).toEqual({
        transfer_id: 'j1.stdout',
        bytes: whole.length,
        sha256: sha(whole),
        chunks: c.chunks,
        truncated: false,
      });
      let offset = 0;
      emitted.forEach((chunk, seq) => {
        const data = Buffer.from(chunk.data, 'base64');
        expect(chunk).toMatchObject({ seq, offset, size: data.length, sha256: sha(data) });
        expect(data.length).toBeLessThanOrEqual(c.size);
        offset += data.length;
      });
      expect(emitted.at(-1)).toMatchObject({
        total: c.chunks,
        whole_sha256: sha(whole),
        whole_size: whole.length,
      });
      expect(emitted.slice(0, -1).every((x) => x.total === null)).toBe(true);
    });
  }

  it('with omitEmpty, a stream that produced nothing sends no chunk; its summary says 0 chunks', () => {
    const { chunker, emitted } = chunkerFor({ stream: 'stderr', omitEmpty: true });
    chunker.write(Buffer.alloc(0));
    expect(chunker.end(false)).toEqual({
      transfer_id: 'j1.stderr',
      bytes: 0,
      sha256: sha(Buffer.alloc(0)),
      chunks: 0,
      truncated: false,
    });
    expect(emitted).toEqual([]);
    chunker.write(Buffer.from('late')); // after the end: dropped, as for any stream
    expect(emitted).toEqual([]);
  });

  it('flush sends what is buffered as a short live chunk', () => {
    const { chunker, emitted } = chunkerFor({ stream: 'stderr', size: 100 });
    chunker.write(Buffer.from('live'));
    expect(emitted).toHaveLength(0);
    chunker.flush();
    expect(emitted.map((x) => Buffer.from(x.data, 'base64').toString())).toEqual(['live']);
  });

  it('drops output after end() and gives the same summary when ended again', () => {
    const { chunker, emitted } = chunkerFor();
    chunker.write(Buffer.from('abcdef'));
    const summary = chunker.end(true);
    chunker.write(Buffer.from('late'));
    chunker.flush();
    expect(chunker.end(true)).toEqual(summary);
    expect(emitted).toHaveLength(2);
    expect(summary).toMatchObject({ bytes: 6, chunks: 2, truncated: true });
  });
});
