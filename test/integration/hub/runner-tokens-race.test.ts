// Runner token writes from several processes at once: every create and revoke survives.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunnerTokenStore } from '../../../src/hub/runner-tokens.ts';

const run = promisify(execFile);
const KO = resolve(import.meta.dirname, '../../../bin/ko.js');
const WORKER = fileURLToPath(new URL('./fixtures/token-worker.ts', import.meta.url));
const PROCESSES = 6;
const TOKENS_EACH = 12;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ko-token-race-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function worker(file: string, prefix: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', WORKER, file, prefix, String(TOKENS_EACH)],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('exit', (code) => done({ code, stderr }));
  });
}

describe('runner tokens under concurrent writers', () => {
  it(`${PROCESSES} processes × ${TOKENS_EACH} creates (half revoked) lose nothing`, async () => {
    const file = join(dir, 'runner-tokens.json');
    const exits = await Promise.all(
      Array.from({ length: PROCESSES }, (_, p) => worker(file, `w${p}`)),
    );
    for (const exit of exits) expect(exit, exit.stderr).toMatchObject({ code: 0 });

    const tokens = new RunnerTokenStore(file).list();
    expect(tokens).toHaveLength(PROCESSES * TOKENS_EACH);
    expect(new Set(tokens.map((t) => t.id)).size).toBe(PROCESSES * TOKENS_EACH);
    for (let p = 0; p < PROCESSES; p += 1) {
      for (let i = 0; i < TOKENS_EACH; i += 1) {
        const token = tokens.find((t) => t.name === `w${p}-${i}`);
        expect(token?.revoked_at === null, `w${p}-${i}`).toBe(i % 2 === 0);
      }
    }
    // Every write kept the previous file aside; retention bounds how many stay.
    const backups = readdirSync(dir).filter((name) => name.startsWith('runner-tokens.json.bak-'));
    expect(backups.length).toBeGreaterThan(0);
    expect(backups.length).toBeLessThanOrEqual(10 + 7);
    expect(
      readdirSync(dir).filter((name) => name.endsWith('.tmp') || name.endsWith('.lock')),
    ).toEqual([]);
  }, 120_000);

  it('four `ko runner token create` started at once all land', async () => {
    const names = ['alpha', 'bravo', 'charlie', 'delta'];
    const results = await Promise.all(
      names.map((name) =>
        run(process.execPath, [KO, 'runner', 'token', 'create', '--name', name, '--json'], {
          env: { ...process.env, KO_DATA_DIR: dir },
        }),
      ),
    );
    const created = results.map((r) => JSON.parse(r.stdout) as { id: string; token: string });
    const store = new RunnerTokenStore(join(dir, 'runner-tokens.json'));
    expect(
      store
        .list()
        .map((t) => t.name)
        .sort(),
    ).toEqual(names);
    for (const [i, c] of created.entries()) expect(store.verify(c.token)?.name).toBe(names[i]);
  }, 60_000);
});
