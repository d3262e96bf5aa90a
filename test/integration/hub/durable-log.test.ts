// The append-only log under the job queue and the runner spool, on real files.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DurableLog } from '../../../src/hub/durable-log.ts';
import { SyncPlacement } from '../../../src/hub/sync-placement.ts';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ko-durable-log-'));
  path = join(dir, 'log.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('cuts a torn last line on open, so the next line is not glued to it', async () => {
  const log = DurableLog.open(path);
  await log.append({ n: 1 });
  await log.close();
  appendFileSync(path, '{"n":2,"torn'); // a crash mid-write: never acknowledged
  const again = DurableLog.open(path);
  await again.append({ n: 3 });
  await again.close();
  expect(DurableLog.readLines(path)).toEqual([{ n: 1 }, { n: 3 }]);
});

it('writes every line at once; concurrent durable appends share syncs and all resolve', async () => {
  const log = DurableLog.open(path);
  const quiet = log.append({ n: 0 }, { durable: false });
  // Written before the promise settles: readers (the spool's chunk reads) see it at once.
  expect(readFileSync(path, 'utf8')).toBe('{"n":0}\n');
  await quiet;
  await Promise.all(Array.from({ length: 50 }, (_, i) => log.append({ n: i + 1 })));
  await log.close();
  expect(DurableLog.readLines(path)).toHaveLength(51);
});

it('says where each line went, and reads it back from there', async () => {
  const log = DurableLog.open(path);
  const a = log.appendRecord({ a: 'x'.repeat(10) }, { durable: false });
  const b = log.appendRecord({ b: 'é' }); // multi-byte: offsets are bytes, not characters
  await b.written;
  expect(log.readAt(b.offset, b.bytes)).toEqual({ b: 'é' });
  expect(log.readAt(a.offset, a.bytes)).toEqual({ a: 'x'.repeat(10) });
  expect(DurableLog.scan(path).map(({ offset, bytes }) => ({ offset, bytes }))).toEqual([
    { offset: a.offset, bytes: a.bytes },
    { offset: b.offset, bytes: b.bytes },
  ]);
  expect(log.size).toBe(b.offset + b.bytes);
  await log.close();
  await expect(log.append({ late: true })).rejects.toThrow(/closed/);
});

it('on a fast disk syncs on the loop, once per turn for every append made in it', async () => {
  const log = DurableLog.open(path, { placement: new SyncPlacement(10_000) });
  await log.append({ n: 0 }); // the first sync is timed on the loop
  const before = log.syncs;
  const turn = Array.from({ length: 20 }, (_, i) => log.append({ n: i + 1 }));
  await Promise.all(turn);
  expect(log.syncs - before).toBe(1);
  // Lines on disk at resolve time: a fresh reader sees all of them.
  expect(DurableLog.readLines(path)).toHaveLength(21);
  await log.close();
});

it('with loop syncs off, group commit still covers concurrent appends', async () => {
  const log = DurableLog.open(path, { placement: new SyncPlacement(0) });
  await Promise.all(Array.from({ length: 30 }, (_, i) => log.append({ n: i })));
  expect(log.syncs).toBeGreaterThanOrEqual(1);
  expect(log.syncs).toBeLessThan(30);
  await log.close();
  expect(DurableLog.readLines(path)).toHaveLength(30);
});
