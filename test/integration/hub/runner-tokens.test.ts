// Runner tokens: the `ko runner token` CLI as a real process, and the store it writes.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunnerTokenStore } from '../../../src/hub/runner-tokens.ts';

const run = promisify(execFile);
const KO = resolve(import.meta.dirname, '../../../bin/ko.js');
let dir: string;

async function ko(...args: string[]): Promise<{ stdout: string; code: number; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [KO, ...args], {
      env: { ...process.env, KO_DATA_DIR: dir },
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ko-tokens-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ko runner token', () => {
  it('creates (token shown once), lists without secrets, revokes', async () => {
    const created = await ko(
      'runner',
      'token',
      'create',
      '--name',
      'build-01',
      '--labels',
      'Windows,ps7',
      '--json',
    );
    expect(created.code).toBe(0);
    const out = JSON.parse(created.stdout) as { id: string; token: string; labels: string[] };
    expect(out.token).toMatch(/^kor_[A-Za-z0-9_-]{43}$/);
    expect(out.labels).toEqual(['ps7', 'windows']);

    const file = readFileSync(join(dir, 'runner-tokens.json'), 'utf8');
    expect(file).not.toContain(out.token); // stored hashed only
    expect(file).toContain('token_sha256');

    const list = await ko('runner', 'token', 'list', '--json');
    const records = JSON.parse(list.stdout) as Record<string, unknown>[];
    expect(records).toHaveLength(1);
    expect(list.stdout).not.toContain(out.token);
    expect(records[0]).not.toHaveProperty('token_sha256');

    const store = new RunnerTokenStore(join(dir, 'runner-tokens.json'));
    expect(store.verify(out.token)?.name).toBe('build-01');
    expect((await ko('runner', 'token', 'revoke', out.id)).code).toBe(0);
    expect(store.verify(out.token)).toBeUndefined(); // the running hub sees the CLI's revoke
  });

  const refusals = [
    { args: ['--name', 'bad name!'], code: 10, says: 'not valid' },
    { args: ['--name', 'ok', '--labels', 'UPPER CASE'], code: 10, says: 'label' },
  ];
  for (const r of refusals) {
    it(`refuses create ${r.args.join(' ')} with exit ${r.code}`, async () => {
      const result = await ko('runner', 'token', 'create', ...r.args);
      expect(result.code).toBe(r.code);
      expect(result.stderr).toContain(r.says);
    });
  }

  it('refuses a second active token with the same name (CONFLICT) and an unknown id on revoke', async () => {
    expect((await ko('runner', 'token', 'create', '--name', 'twin')).code).toBe(0);
    expect((await ko('runner', 'token', 'create', '--name', 'twin')).code).toBe(11);
    expect((await ko('runner', 'token', 'revoke', 'rt_nope')).code).toBe(10);
  });
});

describe('verify', () => {
  const cases = [undefined, '', 'kor_', 'kor_wrong', 'ghp_something', `kor_${'a'.repeat(300)}`];
  for (const presented of cases) {
    it(`rejects ${JSON.stringify(presented)?.slice(0, 20)}`, async () => {
      const store = new RunnerTokenStore(join(dir, 't.json'));
      await store.create({ name: 'x' });
      expect(store.verify(presented)).toBeUndefined();
    });
  }
});
