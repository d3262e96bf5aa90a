import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KoError } from '../../../contracts/errors.ts';
import { ExperienceStore } from '../../../src/store/experience-store.ts';
import { withFileLock } from '../../../src/store/file-lock.ts';

const logger = pino({ level: 'silent' });
let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ko-store-'));
  file = join(dir, 'experience.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function storeWithWrites(count: number): Promise<ExperienceStore> {
  const store = await ExperienceStore.open({ dataDir: dir, logger });
  for (let i = 1; i <= count; i += 1) {
    await store.update((data) => {
      data.counters.n = i;
      data.workflows[`w${i}`] = { id: `w${i}` };
    });
  }
  return store;
}

async function openError(options: { recover?: boolean } = {}): Promise<KoError> {
  const error = await ExperienceStore.open({ dataDir: dir, logger, ...options }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof KoError)) throw new Error(`expected a KoError, got ${String(error)}`);
  return error;
}

describe('ExperienceStore', () => {
  it('creates an empty store and persists updates with one backup per write', async () => {
    const store = await storeWithWrites(3);
    expect(store.data.counters.n).toBe(3);
    expect(store.writeSeq).toBe(3);
    const reopened = await ExperienceStore.open({ dataDir: dir, logger });
    expect(reopened.data.counters.n).toBe(3);
    expect(Object.keys(reopened.data.workflows)).toEqual(['w1', 'w2', 'w3']);
    const names = await readdir(dir);
    expect(names.filter((n) => n.includes('.bak-'))).toHaveLength(3);
  });

  it('update returns the value of fn, and a throwing fn writes nothing', async () => {
    const store = await storeWithWrites(1);
    expect(await store.update((data) => data.counters.n)).toBe(1);
    await expect(
      store.update(() => {
        throw new Error('nope');
      }),
    ).rejects.toThrow('nope');
    expect(store.writeSeq).toBe(2);
  });

  it('lowdb-style write refuses to overwrite a newer file (STORE_STALE)', async () => {
    const first = await storeWithWrites(1);
    const second = await ExperienceStore.open({ dataDir: dir, logger });
    await second.update((data) => {
      data.counters.n = 100;
    });
    first.data.counters.n = 5;
    await expect(first.write()).rejects.toMatchObject({
      code: 'STORE_STALE',
      exitClass: 'CONFLICT',
    });
    await first.read();
    first.data.counters.n = 101;
    await first.write();
    expect((await ExperienceStore.open({ dataDir: dir, logger })).data.counters.n).toBe(101);
  });

  it.each([
    { label: 'zero-byte', content: '', problem: 'empty' },
    { label: 'garbage', content: 'PK\u0003\u0004 not json at all', problem: 'not-json' },
    { label: 'truncated', content: 'TRUNCATE', problem: 'truncated' },
    { label: 'hand-edited', content: 'EDIT', problem: 'checksum-mismatch' },
  ])(
    '$label main file: refuses to open, never overwrites, and recovers from the newest valid backup',
    async ({ content, problem }) => {
      await storeWithWrites(4);
      const good = await readFile(file, 'utf8');
      const bad =
        content === 'TRUNCATE'
          ? good.slice(0, good.length / 2)
          : content === 'EDIT'
            ? good.replace('"n": 4', '"n": 40')
            : content;
      expect(bad).not.toBe(good);
      await writeFile(file, bad);

      const error = await openError();
      expect(error).toMatchObject({
        code: 'STORE_CORRUPT',
        exitClass: 'PRECONDITION',
        exitCode: 10,
      });
      expect(error.message).toContain(problem);
      expect(error.toUserMessage()).toMatch(/ko store restore.*--recover/);
      expect(await readFile(file, 'utf8')).toBe(bad); // untouched

      const store = await ExperienceStore.open({ dataDir: dir, logger, recover: true });
      expect(store.data.counters.n).toBe(3); // the backup taken before write 4
      expect(store.recovery).toMatchObject({ restoredWriteSeq: 3, skippedBackups: [] });
      expect(store.recovery?.previousState).toContain(problem);
      expect(store.recovery?.lost).toMatch(/write_seq 3|write_seq 4/);
      const corrupt = (await readdir(dir)).filter((n) => n.startsWith('experience.json.corrupt-'));
      expect(corrupt).toHaveLength(1);
      expect(await readFile(join(dir, corrupt[0] as string), 'utf8')).toBe(bad);
    },
  );

  it('skips invalid backups and says so', async () => {
    await storeWithWrites(3);
    const backups = (await readdir(dir)).filter((n) => n.includes('.bak-')).sort();
    await writeFile(join(dir, backups.at(-1) as string), ''); // the newest backup is bad too
    await writeFile(file, '');
    const store = await ExperienceStore.open({ dataDir: dir, logger, recover: true });
    expect(store.data.counters.n).toBe(1);
    expect(store.recovery?.skippedBackups).toEqual([
      { name: backups.at(-1), problem: expect.stringContaining('empty') },
    ]);
  });

  it('refuses to start empty when the main file is gone but backups exist', async () => {
    await storeWithWrites(2);
    await rm(file);
    expect(await openError()).toMatchObject({ code: 'STORE_MISSING', exitCode: 10 });
    const store = await ExperienceStore.open({ dataDir: dir, logger, recover: true });
    expect(store.data.counters.n).toBe(1);
  });

  it('fails with STORE_NO_VALID_BACKUP when nothing can be restored', async () => {
    await storeWithWrites(1);
    for (const name of await readdir(dir))
      if (name.includes('.bak-')) await writeFile(join(dir, name), '{');
    await writeFile(file, '');
    expect(await openError({ recover: true })).toMatchObject({
      code: 'STORE_NO_VALID_BACKUP',
      exitCode: 10,
    });
  });

  it('removes temp files left by a dead writer when opening', async () => {
    await storeWithWrites(1);
    await writeFile(join(dir, '.experience.json.99999.abcdef.tmp'), '{"half":');
    await ExperienceStore.open({ dataDir: dir, logger });
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('withFileLock', () => {
  it('gives up with TransientError STORE_LOCKED while another holder keeps it', async () => {
    await withFileLock(file, async () => {
      await expect(withFileLock(file, async () => 'never', { waitMs: 200 })).rejects.toMatchObject({
        code: 'STORE_LOCKED',
        exitClass: 'TRANSIENT',
      });
    });
  });

  it('takes over a stale lock left by a dead process', async () => {
    await mkdir(`${file}.lock`);
    const old = new Date(Date.now() - 60_000);
    await utimes(`${file}.lock`, old, old);
    expect(await withFileLock(file, async () => 'got it', { waitMs: 500 })).toBe('got it');
  });
});
