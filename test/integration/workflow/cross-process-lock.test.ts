import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileKeyedMutex } from '../../../src/workflow/file-keyed-mutex.ts';

const KEY = 'acme/app#12';
const INCREMENTS = 60;
const children: ChildProcess[] = [];
let dir: string;

function spawnFixture(name: string, args: string[]): ChildProcess {
  const script = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

/** Starts a holder of `key` and resolves once it says it holds the lock. */
async function startHolder(key: string, staleMs: number): Promise<ChildProcess> {
  const child = spawnFixture('lock-holder.ts', [join(dir, 'locks'), key, String(staleMs)]);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('locked\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`holder exited with ${String(code)}`)));
  });
  return child;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ko-pr-lock-'));
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  await rm(dir, { recursive: true, force: true });
});

describe('FileKeyedMutex across processes', () => {
  it(`two processes × ${INCREMENTS} read-pause-write increments on one key never lose an update`, async () => {
    const counter = join(dir, 'counter');
    const workers = [0, 1].map(() =>
      spawnFixture('lock-counter-worker.ts', [
        join(dir, 'locks'),
        KEY,
        counter,
        String(INCREMENTS),
      ]),
    );
    const exits = await Promise.all(workers.map(exitOf));
    for (const exit of exits) expect(exit, exit.stderr).toMatchObject({ code: 0 });
    expect(Number(await readFile(counter, 'utf8'))).toBe(2 * INCREMENTS);
  }, 60_000);

  it('another key is not blocked by a held one; the held key makes a waiter fail with LOCK_WAIT_TIMEOUT after its bound', async () => {
    const holder = await startHolder(KEY, 10_000);
    const lock = new FileKeyedMutex({ dir: join(dir, 'locks'), staleMs: 10_000, waitMs: 1_500 });
    await expect(lock.run('acme/app#13', async () => 'other PR')).resolves.toBe('other PR');
    await expect(lock.run(KEY, async () => 'same PR')).rejects.toMatchObject({
      code: 'LOCK_WAIT_TIMEOUT',
      exitClass: 'TRANSIENT',
    });
    expect(holder.exitCode).toBeNull();
  }, 30_000);

  it('a holder killed with SIGKILL is taken over once its lock is stale', async () => {
    const holder = await startHolder(KEY, 2_000);
    const lock = new FileKeyedMutex({ dir: join(dir, 'locks'), staleMs: 2_000, waitMs: 2_500 });
    // Alive, it refreshes the lock, so waiting longer than the stale time still does not get it.
    await expect(lock.run(KEY, async () => 'too early')).rejects.toMatchObject({
      code: 'LOCK_WAIT_TIMEOUT',
    });
    const exited = exitOf(holder);
    holder.kill('SIGKILL');
    await exited;
    const patient = new FileKeyedMutex({ dir: join(dir, 'locks'), staleMs: 2_000, waitMs: 15_000 });
    await expect(patient.run(KEY, async () => 'taken over')).resolves.toBe('taken over');
  }, 30_000);

  it('in one process, callers on a key queue in arrival order and a queued caller is bounded too', async () => {
    const lock = new FileKeyedMutex({ dir: join(dir, 'locks'), waitMs: 300 });
    const seen: string[] = [];
    let release!: () => void;
    const first = lock.run(KEY, async () => {
      seen.push('first');
      await new Promise<void>((resolve) => (release = resolve));
    });
    const second = lock.run(KEY, async () => {
      seen.push('second');
    });
    await expect(second).rejects.toMatchObject({ code: 'LOCK_WAIT_TIMEOUT' });
    release();
    await first;
    const patient = new FileKeyedMutex({ dir: join(dir, 'locks') });
    await Promise.all(
      ['a', 'b', 'c'].map((label) => patient.run(KEY, async () => void seen.push(label))),
    );
    // The caller that gave up never runs.
    expect(seen).toEqual(['first', 'a', 'b', 'c']);
  });
});
