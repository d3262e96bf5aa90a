// The hub's on-disk output: chunks in, missing seqs and the stream check against exec.result out.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChunkStreamer } from '../../../contracts/codec/chunk-streamer.ts';
import { sha256Hex } from '../../../contracts/codec/sha256.ts';
import type { ExecChunkBody, StreamSummary } from '../../../contracts/ko-v1/generated/ko-v1.ts';
import { OutputChunker } from '../../../runner/src/output-chunker.ts';
import { OutputStore } from '../../../src/hub/output-store.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ko-outputs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A stream cut exactly as the runner cuts it, with the summary its exec.result carries. */
function runnerStream(jobId: string, output: string, chunkSizeBytes = 8) {
  const chunks: ExecChunkBody[] = [];
  const chunker = new OutputChunker({
    jobId,
    stream: 'stdout',
    chunkSizeBytes,
    emit: (c) => chunks.push(c),
    omitEmpty: true, // as for this hub, whose welcome says omit_empty_streams
  });
  chunker.write(Buffer.from(output));
  const summary = chunker.end(false);
  return { chunks, summary };
}

const OUTPUT = 'line one\nline two\nline three\n';

describe('OutputStore', () => {
  it('stores chunks in any order, names what is missing, then verifies against the summary', async () => {
    const outputs = new OutputStore(dir);
    const { chunks, summary } = runnerStream('j1', OUTPUT);
    const [first, second, ...rest] = chunks as [ExecChunkBody, ExecChunkBody, ...ExecChunkBody[]];
    for (const chunk of rest.reverse()) expect(outputs.accept('j1', chunk)).toBe('stored');
    expect(outputs.accept('j1', rest[0] as ExecChunkBody)).toBe('duplicate');
    expect(outputs.check('j1', 'stdout', summary)).toEqual({ state: 'missing', missing: [0, 1] });
    outputs.accept('j1', second);
    outputs.accept('j1', first);
    expect(outputs.check('j1', 'stdout', summary)).toEqual({ state: 'verified' });
    await outputs.flush('j1');
    outputs.release('j1');
    expect(await readAll('j1')).toBe(OUTPUT);
    expect(await readAll('j1', 4)).toBe('line');
    expect(outputs.read('nothing-arrived', 'stdout')).toBeUndefined();

    async function readAll(jobId: string, bytes?: number): Promise<string> {
      const stream = outputs.read(jobId, 'stdout', bytes);
      if (!stream) throw new Error(`no output for ${jobId}`);
      return text(stream);
    }
  });

  it('an empty stream is sent as no chunks at all: verified from the summary, no files', async () => {
    const outputs = new OutputStore(dir);
    const { chunks, summary } = runnerStream('j0', '');
    expect(chunks).toEqual([]);
    expect(summary).toMatchObject({ chunks: 0, bytes: 0, sha256: sha256Hex('') });
    expect(outputs.check('j0', 'stdout', summary)).toEqual({ state: 'verified' });
    await outputs.flush('j0');
    outputs.release('j0');
    expect(existsSync(join(dir, 'j0'))).toBe(false); // no mkdir, no file creation per empty job
    expect(outputs.read('j0', 'stdout')).toBeUndefined();
  });

  it('a single empty chunk (a runner that does not omit empty streams) is verified without files too', async () => {
    const outputs = new OutputStore(dir);
    const streamer = new ChunkStreamer({ transferId: 'j5.stdout', jobId: 'j5', stream: 'stdout' });
    const marker = streamer.end();
    expect(outputs.accept('j5', marker)).toBe('stored');
    const totals = streamer.totals();
    const summary: StreamSummary = { transfer_id: 'j5.stdout', ...totals, truncated: false };
    expect(outputs.check('j5', 'stdout', summary)).toEqual({ state: 'verified' });
    outputs.release('j5');
    expect(existsSync(join(dir, 'j5'))).toBe(false);
  });

  it('an empty result drops what an earlier attempt of the job stored', async () => {
    const outputs = new OutputStore(dir);
    const earlier = runnerStream('j6', OUTPUT);
    for (const chunk of earlier.chunks) outputs.accept('j6', chunk);
    expect(outputs.check('j6', 'stdout', earlier.summary)).toEqual({ state: 'verified' });
    await outputs.flush('j6');
    outputs.release('j6');
    const { summary } = runnerStream('j6', '');
    expect(new OutputStore(dir).check('j6', 'stdout', summary)).toEqual({ state: 'verified' });
    expect(outputs.read('j6', 'stdout')).toBeUndefined();
  });

  it('a summary of no chunks that claims bytes is a mismatch, and old output is not kept', async () => {
    const outputs = new OutputStore(dir);
    const earlier = runnerStream('j7', OUTPUT);
    for (const chunk of earlier.chunks) outputs.accept('j7', chunk);
    await outputs.flush('j7');
    const { summary } = runnerStream('j7', '');
    expect(outputs.check('j7', 'stdout', { ...summary, bytes: 3 })).toMatchObject({
      state: 'mismatch',
      reason: expect.stringMatching(/no chunks but reports 3 bytes/),
    });
    expect(outputs.read('j7', 'stdout')).toBeUndefined();
  });

  it('a store that cannot list its folder says so instead of assuming it is empty', () => {
    writeFileSync(join(dir, 'not-a-folder'), '');
    expect(() => new OutputStore(join(dir, 'not-a-folder'))).toThrow(/ENOTDIR/);
  });

  it('learns a lost tail from the summary alone', () => {
    const outputs = new OutputStore(dir);
    const { chunks, summary } = runnerStream('j2', OUTPUT);
    outputs.accept('j2', chunks[0] as ExecChunkBody);
    expect(outputs.check('j2', 'stdout', summary)).toEqual({
      state: 'missing',
      missing: Array.from({ length: chunks.length - 1 }, (_, i) => i + 1),
    });
    outputs.closeAll();
  });

  it('nacks a chunk whose bytes fail its sha256', () => {
    const outputs = new OutputStore(dir);
    const { chunks, summary } = runnerStream('j3', OUTPUT);
    const chunk = chunks[1] as ExecChunkBody;
    const forged = Buffer.from('XXXXXXXX').toString('base64');
    expect(outputs.accept('j3', { ...chunk, data: forged })).toBe('bad_hash');
    for (const c of chunks) expect(outputs.accept('j3', c)).toBe('stored');
    expect(outputs.check('j3', 'stdout', summary)).toEqual({ state: 'verified' });
    outputs.closeAll();
  });

  it('refuses a chunk that contradicts a held one; the stream is refetched at the result', () => {
    const outputs = new OutputStore(dir);
    const { chunks, summary } = runnerStream('j7', OUTPUT);
    for (const c of chunks) outputs.accept('j7', c);
    const other = Buffer.from('YYYYYYYY');
    const rerun = {
      ...(chunks[1] as ExecChunkBody),
      data: other.toString('base64'),
      sha256: sha256Hex(other),
    };
    expect(outputs.accept('j7', rerun)).toBe('refused');
    expect(outputs.check('j7', 'stdout', summary)).toMatchObject({ state: 'mismatch' });
    outputs.reset('j7', 'stdout');
    for (const c of chunks) outputs.accept('j7', c);
    expect(outputs.check('j7', 'stdout', summary)).toEqual({ state: 'verified' });
    outputs.closeAll();
  });

  it('reports a mismatch when the summary disagrees, and starts over after reset', () => {
    const outputs = new OutputStore(dir);
    const { chunks, summary } = runnerStream('j4', OUTPUT);
    for (const chunk of chunks) outputs.accept('j4', chunk);
    const wrong: StreamSummary = { ...summary, sha256: sha256Hex(Buffer.from('other')) };
    expect(outputs.check('j4', 'stdout', wrong).state).toBe('mismatch');
    outputs.reset('j4', 'stdout');
    expect(outputs.check('j4', 'stdout', summary)).toMatchObject({ state: 'missing' });
    for (const chunk of chunks) outputs.accept('j4', chunk);
    expect(outputs.check('j4', 'stdout', summary)).toEqual({ state: 'verified' });
    outputs.closeAll();
  });

  it('a restarted hub resumes from disk and fetches only what it lacks', async () => {
    const { chunks, summary } = runnerStream('j5', OUTPUT);
    const before = new OutputStore(dir);
    for (const chunk of chunks.slice(0, 2)) before.accept('j5', chunk);
    await before.flush('j5');
    before.closeAll();

    const after = new OutputStore(dir);
    expect(after.check('j5', 'stdout', summary)).toEqual({
      state: 'missing',
      missing: Array.from({ length: chunks.length - 2 }, (_, i) => i + 2),
    });
    for (const chunk of chunks.slice(2)) after.accept('j5', chunk);
    expect(after.check('j5', 'stdout', summary)).toEqual({ state: 'verified' });
    after.closeAll();
    expect(readFileSync(join(dir, 'j5', 'stdout.out'), 'utf8')).toBe(OUTPUT);
  });

  it('re-fetches chunks listed in an index from before records carried offsets and hashes', () => {
    const { chunks, summary } = runnerStream('j6', OUTPUT);
    const before = new OutputStore(dir);
    for (const chunk of chunks) before.accept('j6', chunk);
    before.closeAll();
    writeFileSync(join(dir, 'j6', 'stdout.idx'), chunks.map((c) => `${c.seq}\n`).join(''));

    const after = new OutputStore(dir);
    expect(after.check('j6', 'stdout', summary)).toMatchObject({ state: 'missing' });
    for (const chunk of chunks) after.accept('j6', chunk);
    expect(after.check('j6', 'stdout', summary)).toEqual({ state: 'verified' });
    after.closeAll();
  });
});
