import { describe, expect, it } from 'vitest';
import { KoError } from '../../../contracts/errors.ts';
import { ChunkStreamer, sha256Hex } from '../../../contracts/codec/index.ts';

const newStreamer = () =>
  new ChunkStreamer({ transferId: 'j.stdout', jobId: 'j', stream: 'stdout', chunkSize: 4 });

describe('ChunkStreamer', () => {
  it.each([
    { name: 'nothing written', writes: [], sizes: [0] },
    { name: 'less than a chunk', writes: ['ab'], sizes: [2] },
    { name: 'exactly a chunk', writes: ['abcd'], sizes: [4, 0] },
    { name: 'a chunk plus one', writes: ['abcde'], sizes: [4, 1] },
    { name: 'small writes adding up', writes: ['a', 'bc', 'de', 'fghij'], sizes: [4, 4, 2] },
    { name: 'one write over several chunks', writes: ['abcdefghijkl'], sizes: [4, 4, 4, 0] },
  ])('$name → chunk sizes $sizes', ({ writes, sizes }) => {
    const streamer = newStreamer();
    const chunks = writes.flatMap((text) => streamer.write(Buffer.from(text)));
    // Full chunks are emitted as soon as they are full, without waiting for end().
    expect(chunks.every((chunk) => chunk.size === 4 && chunk.total === null)).toBe(true);
    chunks.push(streamer.end());
    expect(chunks.map((chunk) => chunk.size)).toEqual(sizes);
    const whole = Buffer.from(writes.join(''));
    const last = chunks.at(-1);
    expect(last).toMatchObject({
      total: sizes.length,
      whole_size: whole.length,
      whole_sha256: sha256Hex(whole),
      job_id: 'j',
      stream: 'stdout',
    });
    expect(Buffer.concat(chunks.map((c) => Buffer.from(c.data, 'base64'))).equals(whole)).toBe(
      true,
    );
    expect(chunks.map((c) => c.offset)).toEqual(
      sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0)),
    );
  });

  it('flush() sends the pending partial chunk early and nothing when empty', () => {
    const streamer = newStreamer();
    expect(streamer.flush()).toEqual([]);
    streamer.write(Buffer.from('ab'));
    const [early] = streamer.flush();
    expect(early).toMatchObject({ seq: 0, size: 2, total: null });
    expect(streamer.flush()).toEqual([]);
    expect(streamer.end()).toMatchObject({ seq: 1, offset: 2, size: 0, total: 2 });
  });

  it('end({ omitEmpty }) ends a stream that never produced a byte with no chunk', () => {
    const empty = newStreamer();
    empty.write(Buffer.alloc(0));
    expect(empty.flush()).toEqual([]);
    expect(empty.end({ omitEmpty: true })).toBeNull();
    expect(empty.totals()).toEqual({ bytes: 0, sha256: sha256Hex(''), chunks: 0 });
    // Only a stream that sent nothing: one whose bytes went out early still gets its final marker.
    const flushed = newStreamer();
    flushed.write(Buffer.from('ab'));
    flushed.flush();
    expect(flushed.end({ omitEmpty: true })).toMatchObject({ seq: 1, size: 0, total: 2 });
    const pending = newStreamer();
    pending.write(Buffer.from('a'));
    expect(pending.end({ omitEmpty: true })).toMatchObject({ seq: 0, size: 1, total: 1 });
  });

  it('reports totals after end() and refuses use after it', () => {
    const streamer = newStreamer();
    expect(() => streamer.totals()).toThrowError(KoError);
    streamer.write(Buffer.from('hello'));
    streamer.end();
    expect(streamer.totals()).toEqual({ bytes: 5, sha256: sha256Hex('hello'), chunks: 2 });
    expect(streamer.ended).toBe(true);
    expect(() => streamer.write(Buffer.from('x'))).toThrowError(/has ended/);
    expect(() => streamer.end()).toThrowError(/has ended/);
  });

  it("does not keep a reference to the caller's buffers (they may be reused)", () => {
    const streamer = newStreamer();
    const reused = Buffer.from('ab');
    streamer.write(reused);
    reused.fill(0);
    const bigger = Buffer.from('cdefg');
    const [first] = streamer.write(bigger);
    bigger.fill(0);
    const last = streamer.end();
    expect(Buffer.from(first?.data ?? '', 'base64').toString()).toBe('abcd');
    expect(Buffer.from(last.data, 'base64').toString()).toBe('efg');
  });
});
