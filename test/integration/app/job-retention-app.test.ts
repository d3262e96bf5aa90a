// The app prunes old finished jobs when it starts, and releases the queue lock when it stops.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { FileJobQueue } from '../../../src/hub/job-queue.ts';
import type { Job } from '../../../src/hub/job-types.ts';
import type { StartedApp } from '../../../src/start-app.ts';
import { startTestApp } from './app-fixtures.ts';

let dir: string | undefined;
let app: StartedApp | undefined;
afterEach(async () => {
  await app?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('prunes a 30-day-old finished job and its output at start, keeps a queued one', async () => {
  dir = mkdtempSync(join(tmpdir(), 'ko-retention-app-'));
  const hubDir = join(dir, '.ko', 'hub'); // startTestApp's KO_DATA_DIR is <dir>/.ko
  const q = await FileJobQueue.open(hubDir);
  const done = (await q.submit({ script: 'Get-Date' })).job;
  await q.transition(done.id, ['queued'], { state: 'cancelled' });
  const queued = (await q.submit({ script: 'Get-Date' })).job;
  await q.close();
  const log = join(hubDir, 'jobs.jsonl');
  const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const aged = readFileSync(log, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as { t: 'put'; job: Job })
    .map((r) =>
      JSON.stringify(r.job.id === done.id ? { ...r, job: { ...r.job, updated_at: monthAgo } } : r),
    );
  writeFileSync(log, `${aged.join('\n')}\n`);
  mkdirSync(join(hubDir, 'outputs', done.id), { recursive: true });
  writeFileSync(join(hubDir, 'outputs', done.id, 'stdout.out'), 'old output\n');

  const lines: Array<Record<string, unknown>> = [];
  app = await startTestApp({
    webhookSecret: 'retention-app-secret',
    dataDir: dir,
    onLine: (line) => void lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  for (let i = 0; i < 400 && !lines.some((l) => l['event'] === 'jobs.pruned'); i += 1)
    await new Promise((r) => setTimeout(r, 25));
  expect(lines.find((l) => l['event'] === 'jobs.pruned')).toMatchObject({
    jobs: 1,
    output_dirs: 1,
  });
  expect(await app.hub!.queue.get(done.id)).toBeUndefined();
  expect(await app.hub!.queue.get(queued.id)).toBeDefined();
  expect(existsSync(join(hubDir, 'outputs', done.id))).toBe(false);
  expect(existsSync(`${log}.lock`)).toBe(true); // held while the app runs

  await app.stop();
  app = undefined;
  expect(existsSync(`${log}.lock`)).toBe(false);
  const reopened = await FileJobQueue.open(hubDir);
  expect((await reopened.list()).map((j) => j.id)).toEqual([queued.id]);
  await reopened.close();
}, 60_000);
