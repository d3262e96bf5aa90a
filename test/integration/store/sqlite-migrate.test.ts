import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExperienceStore } from '../../../src/store/experience-store.ts';
import { readSqliteExperience } from '../../../src/store/sqlite/sqlite-experience.ts';
import { migrateStoreToSqlite } from '../../../src/store/store-commands.ts';
import { inspectExperience } from '../../../src/store/inspect-experience.ts';
import { readFile } from 'node:fs/promises';
import { runKo } from './fixtures/run-ko.ts';

const logger = pino({ level: 'silent' });
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ko-sqlite-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function richStore(): Promise<void> {
  const store = await ExperienceStore.open({ dataDir: dir, logger });
  await store.update((data) => {
    data.workflows['wf/1'] = {
      id: 'wf/1',
      steps: [{ name: 'plan', at: '2026-11-27T10:00:00.000Z' }],
      note: 'ünïcödé ✓ "quoted"',
    };
    data.workflows.empty = { id: 'empty' };
    data.runs.push(
      { id: 'r1', lead_time_ms: 1234.5, outcome: 'ok' },
      { id: 'r2', finished_at: undefined as never, nested: { deep: [1, null, true] } },
    );
    data.approvals.a1 = { id: 'a1', by: ['alice', 'bob'] };
    data.runners['host-1'] = { id: 'host-1', capabilities: ['pwsh7', 'windows'] };
    data.counters.merges = 42;
    data.audit_head = {
      seq: 3,
      hash: 'a'.repeat(64),
      file: 'audit-2026-11-27.jsonl',
      time: '2026-11-27T10:00:00.000Z',
    };
    data.jobs = { j1: { id: 'j1' } }; // a collection a later issue adds
    data.events = [];
  });
}

describe('migrate the store to SQLite (first draft)', () => {
  it('round-trips every collection: migrate, read back, deep-compare', async () => {
    await richStore();
    const out = join(dir, 'experience.sqlite');
    const result = await migrateStoreToSqlite(dir, out);
    expect(result.tables.sort()).toEqual([
      'col_approvals',
      'col_counters',
      'col_events',
      'col_jobs',
      'col_runners',
      'col_runs',
      'col_workflows',
    ]);
    expect(result.rows).toBe(2 + 2 + 1 + 1 + 1 + 1);
    const original = inspectExperience(await readFile(join(dir, 'experience.json')));
    if (!original.ok) throw new Error(original.detail);
    expect(readSqliteExperience(out)).toStrictEqual(original.document);
  });

  it('refuses to overwrite an existing SQLite file', async () => {
    await richStore();
    const out = join(dir, 'experience.sqlite');
    await migrateStoreToSqlite(dir, out);
    await expect(migrateStoreToSqlite(dir, out)).rejects.toMatchObject({
      code: 'SQLITE_TARGET_EXISTS',
      exitCode: 10,
    });
  });

  it('works through the CLI, and `ko store backup` adds a verified backup', async () => {
    await richStore();
    const migrate = await runKo(['store', 'migrate', '--to', 'sqlite'], { KO_DATA_DIR: dir });
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(migrate.stdout).toMatch(/7 tables, 8 rows; read back and compared equal/);
    const wrong = await runKo(['store', 'migrate', '--to', 'postgres'], { KO_DATA_DIR: dir });
    expect(wrong.code).toBe(10);
    const before = (await readdir(dir)).filter((n) => n.includes('.bak-')).length;
    const backup = await runKo(['store', 'backup'], { KO_DATA_DIR: dir });
    expect(backup.code, backup.stderr).toBe(0);
    expect((await readdir(dir)).filter((n) => n.includes('.bak-'))).toHaveLength(before + 1);
  });
});
