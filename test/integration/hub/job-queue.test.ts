// The file job queue: durability across reopen, idempotency, ordering, conditional transitions.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileJobQueue } from '../../../src/hub/job-queue.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ko-queue-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('FileJobQueue', () => {
  it('keeps every acknowledged write across a reopen, and ignores a torn last line', async () => {
    const q = await FileJobQueue.open(dir);
    const a = (await q.submit({ script: 'a', idempotency_key: 'k-a' })).job;
    const b = (await q.submit({ script: 'b', priority: 9 })).job;
    await q.transition(a.id, ['queued'], { state: 'dispatched', runner_id: 'r1', attempts: 1 });
    await q.close();
    appendFileSync(join(dir, 'jobs.jsonl'), '{"t":"put","job":{"id":"torn'); // a crash mid-write

    const again = await FileJobQueue.open(dir);
    expect(await again.get(a.id)).toMatchObject({
      state: 'dispatched',
      runner_id: 'r1',
      attempts: 1,
    });
    expect((await again.submit({ script: 'other', idempotency_key: 'k-a' })).job.id).toBe(a.id);
    const c = (await again.submit({ script: 'c' })).job;
    expect(c.seq).toBeGreaterThan(b.seq); // age order survives the restart
    await again.close();
    // The torn line was cut on open: the first write after it is not lost with it.
    const third = await FileJobQueue.open(dir);
    expect(await third.get(c.id)).toMatchObject({ spec: { script: 'c' }, state: 'queued' });
    await third.close();
  });

  it('submits and claims in one durable write for an idle runner, unless a queued job ranks first', async () => {
    const q = await FileJobQueue.open(dir);
    const runner = { runner_id: 'r1', capabilities: [], labels: ['linux'] };
    const direct = await q.submit({ script: 'now' }, { claimFor: runner });
    expect(direct.job).toMatchObject({ state: 'dispatched', runner_id: 'r1', attempts: 1 });
    expect(readFileSync(join(dir, 'jobs.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
    // Not for a runner that lacks a label the job wants.
    const windows = await q.submit({ script: 'w', labels: ['windows'] }, { claimFor: runner });
    expect(windows.job.state).toBe('queued');
    // Not past an older queued job of the same or higher priority that this runner could take.
    const waiting = (await q.submit({ script: 'waiting', priority: 7 })).job;
    const behind = await q.submit({ script: 'behind', priority: 7 }, { claimFor: runner });
    expect(behind.job.state).toBe('queued');
    // A higher priority goes first.
    const urgent = await q.submit({ script: 'urgent', priority: 9 }, { claimFor: runner });
    expect(urgent.job).toMatchObject({ state: 'dispatched', runner_id: 'r1' });
    await q.close();
    const reopened = await FileJobQueue.open(dir);
    expect(await reopened.get(direct.job.id)).toMatchObject({ state: 'dispatched', attempts: 1 });
    expect(await reopened.get(waiting.id)).toMatchObject({ state: 'queued' });
    await reopened.close();
  });

  it('returns the first job for concurrent submissions with one idempotency key', async () => {
    const q = await FileJobQueue.open(dir);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => q.submit({ script: `s${i}`, idempotency_key: 'same' })),
    );
    expect(new Set(results.map((r) => r.job.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    await q.close();
    expect(readFileSync(join(dir, 'jobs.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('claims by priority, then age, only for a runner that satisfies the job', async () => {
    const q = await FileJobQueue.open(dir);
    const old = (await q.submit({ script: 'old', priority: 5 })).job;
    const win = (await q.submit({ script: 'win', priority: 9, labels: ['windows'] })).job;
    const young = (await q.submit({ script: 'young', priority: 5 })).job;
    const linux = { runner_id: 'l', capabilities: [], labels: ['linux'] };
    const windows = { runner_id: 'w', capabilities: [], labels: ['windows'] };
    expect((await q.claimNext(linux))?.id).toBe(old.id);
    expect((await q.claimNext(windows))?.id).toBe(win.id);
    expect((await q.claimNext(windows))?.id).toBe(young.id);
    expect(await q.claimNext(linux)).toBeUndefined();
    await q.close();
  });

  it('applies a conditional transition once: the second from the same state fails', async () => {
    const q = await FileJobQueue.open(dir);
    const { job } = await q.submit({ script: 'x' });
    const [first, second] = await Promise.all([
      q.transition(job.id, ['queued'], { state: 'cancelled' }),
      q.transition(job.id, ['queued'], { state: 'dispatched' }),
    ]);
    expect(first?.state).toBe('cancelled');
    expect(second).toBeUndefined();
    expect(await q.transition(job.id, ['cancelled'], { state: 'queued' })).toBeUndefined(); // terminal stays terminal
    await q.close();
  });

  it('compacts a long log on open without losing the latest state', async () => {
    const q = await FileJobQueue.open(dir);
    const { job } = await q.submit({ script: 'x' });
    for (let i = 0; i < 300; i += 1) await q.transition(job.id, ['queued'], { attempts: i });
    await q.close();
    const reopened = await FileJobQueue.open(dir);
    expect((await reopened.get(job.id))?.attempts).toBe(299);
    await reopened.close();
    expect(readFileSync(join(dir, 'jobs.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
  });
});
