import { execFile } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { pwshForTests } from './pwsh-path.ts';

const run = promisify(execFile);
const KO = new URL('../../../bin/ko.js', import.meta.url).pathname;
const root = realpathSync(mkdtempSync(join(tmpdir(), 'ko-guard-cli-')));

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function ko(
  args: string[],
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = run(process.execPath, [KO, ...args], { cwd: root });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  } else {
    child.child.stdin?.end();
  }
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('ko guard check (the real CLI process)', () => {
  it('prints {verdict, rule, reason} as JSON and exits 0 for a denied command', async () => {
    const result = await ko(['guard', 'check', '--json', '--', 'rm -rf /']);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ verdict: 'deny', rule: 'recursive-delete', engine: 'ts' });
    expect(out['parsed_form_sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(out['approval_binding_sha256']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('joins words after -- and uses the cwd as the root by default', async () => {
    const result = await ko(['guard', 'check', '--json', '--', 'Get-Content', './package.json']);
    expect(JSON.parse(result.stdout)).toMatchObject({ verdict: 'allow', rule: 'allow-listed' });
    const outside = await ko(['guard', 'check', '--json', '--', 'Get-Content', '../x']);
    expect(JSON.parse(outside.stdout)).toMatchObject({
      verdict: 'deny',
      rule: 'path-outside-root',
    });
  });

  it('reads the command from stdin when none is given', async () => {
    const result = await ko(['guard', 'check', '--json'], 'git push\n');
    expect(JSON.parse(result.stdout)).toMatchObject({ verdict: 'approval', rule: 'git-write' });
  });

  it('prints a human line without --json', async () => {
    const result = await ko(['guard', 'check', '--root', root, '--', 'Stop-Computer']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^DENY {2}shutdown: /);
  });

  it('applies Windows path rules with --platform win32', async () => {
    const result = await ko([
      'guard',
      'check',
      '--json',
      '--platform',
      'win32',
      '--root',
      'C:\\repo',
      '--',
      'Get-Content',
      'C:\\repo\\x.txt:hidden',
    ]);
    expect(JSON.parse(result.stdout)).toMatchObject({ verdict: 'deny', rule: 'path-outside-root' });
  });

  it('runs both front ends with --engine both (real PowerShell 7)', async () => {
    const args = [
      'guard',
      'check',
      '--json',
      '--engine',
      'both',
      '--pwsh',
      pwshForTests(),
      '--',
      'R`m -Re`curse ./x',
    ];
    const result = await ko(args);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      verdict: 'deny',
      rule: 'recursive-delete',
      engine: 'both',
    });
  }, 120_000);

  it('exits 10 when pwsh is missing for --engine pwsh', async () => {
    const result = await ko([
      'guard',
      'check',
      '--engine',
      'pwsh',
      '--pwsh',
      '/nonexistent/pwsh',
      '--',
      'dir',
    ]);
    expect(result.code).toBe(10);
    expect(result.stderr).toMatch(/PowerShell 7 was not found/);
  });

  it.each([
    { args: ['guard', 'check', '--engine', 'nope', '--', 'x'], message: /--engine must be one of/ },
    { args: ['guard', 'check', '--', '  '], message: /no command to check/ },
    {
      args: ['guard', 'check', '--root', '/definitely/not/here', '--', 'Get-Content x'],
      message: /does not exist/,
    },
  ])('exits 10 (PRECONDITION) on a usage error: $args', async ({ args, message }) => {
    const result = await ko(args);
    expect(result.code).toBe(10);
    expect(result.stderr).toMatch(message);
  });
});
