// `ko guard check --cwd`: the job's working_dir, so relative paths are judged from where the
// runner will run the command (repo/sub/link leads out of the root). The real CLI process.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';

const run = promisify(execFile);
const KO = new URL('../../../bin/ko.js', import.meta.url).pathname;
let base: string;
let root: string;

beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'ko-guard-cli-cwd-')));
  root = join(base, 'repo');
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(join(base, 'outside'));
  symlinkSync(join(base, 'outside'), join(root, 'sub', 'link'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

async function check(
  args: string[],
): Promise<{ code: number; out: Record<string, unknown>; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [
      KO,
      'guard',
      'check',
      '--json',
      '--root',
      root,
      ...args,
    ]);
    return { code: 0, out: JSON.parse(stdout) as Record<string, unknown>, stderr };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, out: {}, stderr: e.stderr };
  }
}

it('judges relative paths from --cwd: a link out of the root seen from the subfolder is denied', async () => {
  const inSub = await check(['--cwd', 'sub', '--', 'Get-Content link/passwd']);
  expect(inSub).toMatchObject({ code: 0, out: { verdict: 'deny', rule: 'path-outside-root' } });
  const absolute = await check(['--cwd', join(root, 'sub'), '--', 'Get-Content link/passwd']);
  expect(absolute.out).toMatchObject({ verdict: 'deny', rule: 'path-outside-root' });
  const fromRoot = await check(['--', 'Get-Content link/passwd']);
  expect(fromRoot.out).toMatchObject({ verdict: 'allow' });
});

it('refuses a --cwd outside the root or missing, with exit 10', async () => {
  for (const cwd of ['..', 'sub/link', 'no-such-folder']) {
    const result = await check(['--cwd', cwd, '--', 'Get-ChildItem']);
    expect(result.code).toBe(10);
    expect(result.stderr).toContain(`--cwd ${cwd} is not a folder inside the root`);
  }
});
