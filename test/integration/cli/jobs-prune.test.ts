// `ko jobs prune` as a real process against a real queue log and output folders.
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileJobQueue } from '../../../src/hub/job-queue.ts';
import type { Job, JobState } from '../../../src/hub/job-types.ts';
import { startJobRetention } from '../../../src/hub/job-retention.ts';

const root = new URL('../../../', import.meta.url).pathname;
const DAY = 86_400_000;
let dataDir: string;
let hubDir: string;

function ko(args: string[], env: Record<string, string> = {}) {
  return execa('node', ['bin/ko.js', 'jobs', ...args], {
    cwd: root,
    env: { KO_DATA_DIR: dataDir, ...env },
    reject: false,
    timeout: 60_000,
  });
}

/** Sets a job's updated_at in the log to `daysAgo` days back, as if it had finished then. */
function age(jobs: Record<string, number>): void {
  const file = join(hubDir, 'jobs.jsonl');
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const aged = lines.map((line) => {
    const record = JSON.parse(line) as { t: 'put'; job: Job };
    const days = jobs[record.job.id];
    if (days !== undefined) record.job.updated_at = new Date(Date.now() - days * DAY).toISOString();
    return JSON.stringify(record);
  });
  writeFileSync(file, `${aged.join('\n')}\n`);
}

let ids: Record<'oldDone' | 'oldCancelled' | 'oldQueued' | 'running' | 'recentDone', string>;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ko-jobs-cli-'));
  hubDir = join(dataDir, 'hub');
  const q = await FileJobQueue.open(hubDir);
  const make = async (state: JobState): Promise<string> => {
    const { job } = await q.submit({ script: `Write-Output ${state}` });
    if (state === 'queued') return job.id;
    await q.transition(job.id, ['queued'], { state: 'dispatched', runner_id: 'r1' });
    await q.transition(job.id, ['dispatched'], { state });
    return job.id;
  };
  ids = {
    oldDone: await make('completed'),
    oldCancelled: await make('cancelled'),
    oldQueued: await make('queued'),
    running: await make('running'),
    recentDone: await make('completed'),
  };
  await q.close();
  age({ [ids.oldDone]: 30, [ids.oldCancelled]: 20, [ids.oldQueued]: 30, [ids.recentDone]: 1 });
  for (const id of [ids.oldDone, ids.running, ids.recentDone]) {
    mkdirSync(join(hubDir, 'outputs', id), { recursive: true });
    writeFileSync(join(hubDir, 'outputs', id, 'stdout.out'), 'out\n');
  }
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

async function remainingIds(): Promise<string[]> {
  const q = await FileJobQueue.open(hubDir);
  const list = (await q.list()).map((j) => j.id).sort();
  await q.close();
  return list;
}

describe('ko jobs prune (real process)', () => {
  it('--dry-run prints what it would remove and removes nothing', async () => {
    const before = readFileSync(join(hubDir, 'jobs.jsonl'));
    const result = await ko(['prune', '--older-than', '14d', '--dry-run']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`${ids.oldDone}\tcompleted\t`);
    expect(result.stdout).toContain(`${ids.oldCancelled}\tcancelled\t`);
    expect(result.stdout).toContain(`outputs/${ids.oldDone}/`);
    expect(result.stdout).toMatch(
      /would prune 2 finished job\(s\) and 1 output folder\(s\).*nothing was removed/,
    );
    expect(result.stdout).not.toContain(ids.oldQueued);
    expect(result.stdout).not.toContain(ids.recentDone);
    expect(readFileSync(join(hubDir, 'jobs.jsonl')).equals(before)).toBe(true);
    expect(existsSync(join(hubDir, 'outputs', ids.oldDone, 'stdout.out'))).toBe(true);
  }, 90_000);

  it('removes old finished jobs and their outputs, keeps the rest, and the result survives reopen', async () => {
    const result = await ko(['prune', '--older-than', '14d', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      dry_run: boolean;
      jobs: Array<{ id: string }>;
      output_dirs: string[];
    };
    expect(report.dry_run).toBe(false);
    expect(report.jobs.map((j) => j.id).sort()).toEqual([ids.oldDone, ids.oldCancelled].sort());
    expect(report.output_dirs).toEqual([ids.oldDone]);
    expect(existsSync(join(hubDir, 'outputs', ids.oldDone))).toBe(false);
    expect(existsSync(join(hubDir, 'outputs', ids.running, 'stdout.out'))).toBe(true);
    expect(existsSync(join(hubDir, 'outputs', ids.recentDone, 'stdout.out'))).toBe(true);
    expect(await remainingIds()).toEqual([ids.oldQueued, ids.running, ids.recentDone].sort());

    // A shorter age takes the day-old job too; the default (KO_JOB_RETENTION) is honoured.
    expect((await ko(['prune'], { KO_JOB_RETENTION: '12h' })).stdout).toContain(
      `pruned 1 finished job(s)`,
    );
    expect(await remainingIds()).toEqual([ids.oldQueued, ids.running].sort());
  }, 90_000);

  it('refuses to rewrite a queue the app holds (exit 10), while a dry run still works', async () => {
    const q = await FileJobQueue.open(hubDir);
    const retention = startJobRetention(
      { queue: q, options: { dataDir: hubDir } },
      { maxAgeMs: 100 * DAY, logger: pino({ level: 'silent' }) },
    );
    try {
      for (let i = 0; i < 200 && !(await retention.tick()); i += 1)
        await new Promise((r) => setTimeout(r, 25));
      const refused = await ko(['prune', '--older-than', '14d']);
      expect(refused.exitCode).toBe(10);
      expect(refused.stderr).toContain('held by a running KO app');
      const dry = await ko(['prune', '--older-than', '14d', '--dry-run']);
      expect(dry.exitCode, dry.stderr).toBe(0);
      expect(dry.stdout).toContain('would prune 2 finished job(s)');
    } finally {
      await retention.stop();
      await q.close();
    }
    expect(await remainingIds()).toHaveLength(5);
  }, 90_000);

  it('refuses an age that is not a duration (exit 10)', async () => {
    const result = await ko(['prune', '--older-than', 'two weeks']);
    expect(result.exitCode).toBe(10);
    expect(result.stderr).toContain('is not a duration');
  }, 90_000);
});
