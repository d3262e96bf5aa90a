import { mkdtemp, readdir, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempNameFor, writeFileAtomic } from '../../../src/store/atomic-write.ts';
import { keepAside, listStamped, pruneBackups } from '../../../src/store/backups.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ko-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates and replaces a file, leaving no temp file behind', async () => {
    const target = join(dir, 'experience.json');
    await writeFileAtomic(target, 'one');
    await writeFileAtomic(target, 'two');
    expect(await readFile(target, 'utf8')).toBe('two');
    expect(await readdir(dir)).toEqual(['experience.json']);
    if (process.platform !== 'win32') expect((await stat(target)).mode & 0o777).toBe(0o600);
  });

  it('gives every call its own temp name in the same folder', () => {
    const target = join(dir, 'experience.json');
    const names = new Set(Array.from({ length: 100 }, () => tempNameFor(target)));
    expect(names.size).toBe(100);
    for (const name of names) expect(name.startsWith(join(dir, '.experience.json.'))).toBe(true);
  });

  it('leaves the target untouched and removes the temp file when beforeRename throws', async () => {
    const target = join(dir, 'experience.json');
    await writeFile(target, 'old');
    await expect(
      writeFileAtomic(target, 'new', {
        beforeRename: () => {
          throw new Error('lock lost');
        },
      }),
    ).rejects.toThrow('lock lost');
    expect(await readFile(target, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['experience.json']);
  });

  it('fails without touching the target when the folder is read-only', async () => {
    if (process.platform === 'win32' || process.getuid?.() === 0) return; // root ignores folder permissions
    const target = join(dir, 'experience.json');
    await writeFile(target, 'old');
    await chmod(dir, 0o500);
    try {
      await expect(writeFileAtomic(target, 'new')).rejects.toThrow();
    } finally {
      await chmod(dir, 0o700);
    }
    expect(await readFile(target, 'utf8')).toBe('old');
  });
});

describe('backups', () => {
  it.each(['link', 'copy'] as const)(
    '%s: keeps the old content after the main file is replaced',
    async (mode) => {
      const target = join(dir, 'experience.json');
      await writeFileAtomic(target, 'v1');
      const now = new Date('2026-11-27T10:00:00.000Z');
      const first = await keepAside(target, 'bak', now, mode);
      await writeFileAtomic(target, 'v2');
      const second = await keepAside(target, 'bak', now, mode); // same millisecond: counter makes it unique
      await writeFileAtomic(target, 'v3');
      expect(first).not.toBe(second);
      expect(await readFile(first, 'utf8')).toBe('v1');
      expect(await readFile(second, 'utf8')).toBe('v2');
      const listed = await listStamped(target, 'bak');
      expect(listed.map((b) => b.path)).toEqual([second, first]);
    },
  );

  it('prunes by the retention policy', async () => {
    const target = join(dir, 'experience.json');
    await writeFileAtomic(target, 'x');
    for (let i = 0; i < 5; i += 1)
      await keepAside(target, 'bak', new Date(Date.UTC(2026, 10, 27, 10, 0, i)));
    const pruned = await pruneBackups(target, new Date(Date.UTC(2026, 10, 27, 12)), {
      keepNewest: 2,
      keepDailyDays: 0,
    });
    expect(pruned).toHaveLength(3);
    expect((await listStamped(target, 'bak')).map((b) => b.time.getUTCSeconds())).toEqual([4, 3]);
  });
});
