// Job retention: old finished jobs and their outputs go, everything else stays, across reopen.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileJobQueue } from '../../../src/hub/job-queue.ts';
import type { Job, JobState } from '../../../src/hub/job-types.ts';
import { startJobRetention } from '../../../src/hub/job-retention.ts';
import { pruneFinishedJobs } from '../../../src/hub/prune-finished-jobs.ts';
import { pruneJobsOutsideApp } from '../../../src/hub/prune-jobs-outside-app.ts';

const DAY = 86_400_000;
const silent = pino({ level: 'silent' });
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ko-retention-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A job in `state`, reached the way the hub gets there (queued → dispatched → …). */
async function jobIn(q: FileJobQueue, state: JobState, key?: string): Promise<Job> {
  const { job } = await q.submit({ script: `Write-Output ${state}`, idempotency_key: key });
  if (state === 'queued') return job;
  const dispatched = await q.transition(job.id, ['queued'], {
    state: 'dispatched',
    runner_id: 'r1',
    attempts: 1,
  });
  if (state === 'dispatched') return dispatched!;
  return (await q.transition(job.id, ['dispatched'], { state }))!;
}

function writeOutput(jobId: string): string {
  const folder = join(dir, 'outputs', jobId);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'stdout.out'), `output of ${jobId}\n`);
  return folder;
}

describe('FileJobQueue.prune', () => {
  it('drops only finished jobs older than the cutoff, for good, and forgets their keys', async () => {
    const q = await FileJobQueue.open(dir);
    const old = {
      completed: await jobIn(q, 'completed', 'key-old'),
      rejected: await jobIn(q, 'rejected'),
      lost: await jobIn(q, 'lost'),
      cancelled: await jobIn(q, 'cancelled'),
    };
    const oldQueued = await jobIn(q, 'queued', 'key-queued');
    const oldDispatched = await jobIn(q, 'dispatched');
    const oldRunning = await jobIn(q, 'running');
    await sleep(20);
    const cutoff = new Date();
    await sleep(20);
    const recent = await jobIn(q, 'completed', 'key-recent');

    const preview = await q.prune(cutoff, { dryRun: true });
    expect(preview.map((j) => j.id)).toEqual(Object.values(old).map((j) => j.id));
    expect(await q.list()).toHaveLength(8); // a dry run changes nothing

    const pruned = await q.prune(cutoff);
    expect(pruned.map((j) => j.state)).toEqual(['completed', 'rejected', 'lost', 'cancelled']);
    const kept = [oldQueued, oldDispatched, oldRunning, recent].map((j) => j.id).sort();
    expect((await q.list()).map((j) => j.id).sort()).toEqual(kept);
    expect(await q.get(old.completed.id)).toBeUndefined();

    // Appends after the prune go to the new log, and the prune survives a reopen.
    const after = (await q.submit({ script: 'after' })).job;
    await q.transition(oldRunning.id, ['running'], { state: 'completed' });
    await q.close();
    const text = readFileSync(join(dir, 'jobs.jsonl'), 'utf8');
    for (const job of Object.values(old)) expect(text).not.toContain(job.id);

    const again = await FileJobQueue.open(dir);
    expect((await again.list()).map((j) => j.id).sort()).toEqual([...kept, after.id].sort());
    expect((await again.get(oldRunning.id))?.state).toBe('completed');
    expect(after.seq).toBeGreaterThan(recent.seq);
    // The pruned job's key is free again; the kept ones still deduplicate.
    expect((await again.submit({ script: 'x', idempotency_key: 'key-old' })).created).toBe(true);
    expect((await again.submit({ script: 'x', idempotency_key: 'key-queued' })).job.id).toBe(
      oldQueued.id,
    );
    expect((await again.submit({ script: 'x', idempotency_key: 'key-recent' })).job.id).toBe(
      recent.id,
    );
    await again.close();
  });

  it('loses no write that was in flight while it rewrote the log', async () => {
    const q = await FileJobQueue.open(dir);
    const finished = await Promise.all(Array.from({ length: 20 }, () => jobIn(q, 'cancelled')));
    const running = await Promise.all(Array.from({ length: 20 }, () => jobIn(q, 'running')));
    const cutoff = new Date(Date.now() + 1);
    await sleep(5);
    // Writes (durable or not) started before the prune, still in flight while it runs.
    const inFlight = [
      ...running.map((j, i) =>
        q.transition(j.id, ['running'], { state: 'completed' }, { durable: i % 2 === 0 }),
      ),
      ...Array.from({ length: 20 }, (_, i) => q.submit({ script: `new ${i}` })),
    ];
    const pruned = await q.prune(cutoff);
    await Promise.all(inFlight);
    expect(pruned.map((j) => j.id).sort()).toEqual(finished.map((j) => j.id).sort());
    await q.close();

    const again = await FileJobQueue.open(dir);
    const jobs = await again.list();
    expect(jobs).toHaveLength(40);
    expect(jobs.filter((j) => j.state === 'completed')).toHaveLength(20);
    expect(jobs.filter((j) => j.state === 'queued')).toHaveLength(20);
    await again.close();
  });
});

describe('pruneFinishedJobs', () => {
  it('deletes the outputs of pruned jobs and old orphans; keeps the rest; dry run removes nothing', async () => {
    const q = await FileJobQueue.open(dir);
    const oldDone = await jobIn(q, 'completed');
    const oldRunning = await jobIn(q, 'running');
    await sleep(20);
    const cutoff = new Date();
    await sleep(20);
    const recentDone = await jobIn(q, 'completed');
    for (const job of [oldDone, oldRunning, recentDone]) writeOutput(job.id);
    const oldOrphan = writeOutput('job_orphan_old');
    utimesSync(oldOrphan, new Date(Date.now() - 30 * DAY), new Date(Date.now() - 30 * DAY));
    const newOrphan = writeOutput('job_orphan_new');

    const preview = await pruneFinishedJobs({
      queue: q,
      dataDir: dir,
      before: cutoff,
      dryRun: true,
    });
    expect(preview).toMatchObject({
      dry_run: true,
      jobs: [{ id: oldDone.id, state: 'completed' }],
      output_dirs: [oldDone.id, 'job_orphan_old'].sort(),
    });
    expect(existsSync(join(dir, 'outputs', oldDone.id))).toBe(true);
    expect(existsSync(oldOrphan)).toBe(true);
    expect(await q.get(oldDone.id)).toBeDefined();

    const report = await pruneFinishedJobs({ queue: q, dataDir: dir, before: cutoff });
    expect(report.output_dirs).toEqual(preview.output_dirs);
    expect(existsSync(join(dir, 'outputs', oldDone.id))).toBe(false);
    expect(existsSync(oldOrphan)).toBe(false);
    expect(existsSync(newOrphan)).toBe(true);
    expect(existsSync(join(dir, 'outputs', oldRunning.id, 'stdout.out'))).toBe(true);
    expect(existsSync(join(dir, 'outputs', recentDone.id, 'stdout.out'))).toBe(true);
    await q.close();
  });
});

describe('startJobRetention', () => {
  it('prunes at start, holds the queue lock so the CLI cannot rewrite under it, and releases it on stop', async () => {
    const q = await FileJobQueue.open(dir);
    const done = await jobIn(q, 'completed');
    const queued = await jobIn(q, 'queued');
    writeOutput(done.id);
    const inFifteenDays = () => new Date(Date.now() + 15 * DAY);
    const retention = startJobRetention(
      { queue: q, options: { dataDir: dir } },
      { maxAgeMs: 14 * DAY, logger: silent, now: inFifteenDays },
    );
    for (let i = 0; i < 200 && (await q.get(done.id)); i += 1) await sleep(25);
    await retention.tick(); // passes run one at a time: this one waits for the start pass
    expect(await q.get(done.id)).toBeUndefined(); // the start pass ran
    expect(await q.get(queued.id)).toBeDefined();
    expect(existsSync(join(dir, 'outputs', done.id))).toBe(false);

    const before = new Date(Date.now() + DAY);
    await expect(pruneJobsOutsideApp({ hubDir: dir, before, dryRun: false })).rejects.toMatchObject(
      { code: 'JOBS_QUEUE_IN_USE', exitCode: 10 },
    );
    // A dry run reads the log as it is, even while the app holds it.
    expect((await pruneJobsOutsideApp({ hubDir: dir, before, dryRun: true })).jobs).toEqual([]);

    // The queue keeps working after the start pass swapped its log.
    const later = await jobIn(q, 'cancelled');
    const pass = await retention.tick();
    expect(pass?.jobs.map((j) => j.id)).toEqual([later.id]);
    await retention.stop();
    await q.close();

    const reopened = await FileJobQueue.open(dir);
    expect((await reopened.list()).map((j) => j.id)).toEqual([queued.id]);
    await reopened.close();
    // Released: the CLI may prune now.
    expect((await pruneJobsOutsideApp({ hubDir: dir, before, dryRun: false })).jobs).toEqual([]);
  });

  it('does nothing when retention is off', async () => {
    const q = await FileJobQueue.open(dir);
    await jobIn(q, 'completed');
    const retention = startJobRetention(
      { queue: q, options: { dataDir: dir } },
      { maxAgeMs: null, logger: silent, now: () => new Date(Date.now() + 100 * DAY) },
    );
    expect(await retention.tick()).toBeUndefined();
    await retention.stop();
    expect(await q.list()).toHaveLength(1);
    expect(existsSync(join(dir, 'jobs.jsonl.lock'))).toBe(false);
    await q.close();
  });
});
