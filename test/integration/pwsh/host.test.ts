import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPwsh } from '../../../runner/src/pwsh/find-pwsh.ts';

// PowerShell 7 is required: findPwsh throws (and every test here fails) when it is missing.
const standardArgs = ['-NoLogo', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass'];
let pwsh: string;
let dir: string;

beforeAll(() => {
  pwsh = findPwsh().path;
  dir = mkdtempSync(join(tmpdir(), 'ko-pwsh-host-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runFile(name: string, body: string) {
  const file = join(dir, name);
  writeFileSync(file, body, 'utf8');
  return execa(pwsh, [...standardArgs, '-File', file], {
    reject: false,
    stdin: 'ignore',
    encoding: 'buffer',
    env: { NO_COLOR: '1' },
  });
}

describe('PowerShell 7 engine', () => {
  it('runs a script file with the core modules loaded and reports version 7.6', async () => {
    const result = await runFile(
      'modules.ps1',
      [
        '$ErrorActionPreference = "Stop"',
        'Write-Output "version=$($PSVersionTable.PSVersion)"',
        'Write-Output "edition=$($PSVersionTable.PSEdition)"',
        '$items = @(Get-ChildItem -LiteralPath $PSScriptRoot)',
        'Write-Output "items=$($items.Count)"',
        '[ordered]@{ a = 1; b = @("x") } | ConvertTo-Json -Compress',
        'Write-Output "year=$((Get-Date -Date "2024-02-29").Year)"',
        '"{0}" -f (Get-Command Invoke-RestMethod).Source',
      ].join('\n'),
    );
    const text = Buffer.from(result.stdout).toString('utf8');
    expect(result.exitCode, Buffer.from(result.stderr).toString('utf8')).toBe(0);
    expect(text).toMatch(/^version=7\.6\.\d+$/m);
    expect(text).toContain('edition=Core');
    expect(text).toContain('items=1');
    expect(text).toContain('{"a":1,"b":["x"]}');
    expect(text).toContain('year=2024');
    expect(text).toContain('Microsoft.PowerShell.Utility');
  });

  it.each([
    { script: 'exit 3', expected: 3 },
    { script: 'exit 0', expected: 0 },
    { script: '$ErrorActionPreference = "Stop"; throw "boom"', expected: 1 },
  ])('propagates the exit code of `$script`', async ({ script, expected }) => {
    const result = await runFile(`exit-${expected}.ps1`, script);
    expect(result.exitCode).toBe(expected);
  });

  it('round-trips UTF-8 without mangling non-ASCII text', async () => {
    const text = '한국어 ✓ — ünïcödé 🚀';
    const input = join(dir, 'input.txt');
    writeFileSync(input, text, 'utf8');
    const result = await runFile(
      'utf8.ps1',
      [
        '[Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false)',
        `Write-Output '${text}'`,
        `Write-Output (Get-Content -LiteralPath '${input}' -Encoding utf8 -Raw)`,
        `Write-Output ('${text}'.Length)`,
      ].join('\n'),
    );
    expect(result.exitCode).toBe(0);
    const lines = Buffer.from(result.stdout).toString('utf8').split('\n');
    expect(lines[0]).toBe(text);
    expect(lines[1]).toBe(text);
    // UTF-16 length seen by .NET: the emoji is a surrogate pair.
    expect(lines[2]).toBe(String(text.length));
  });

  it('accepts -Command as well as -File', async () => {
    const result = await execa(
      pwsh,
      [...standardArgs, '-Command', 'Write-Output (1 + 2); exit 5'],
      {
        reject: false,
        stdin: 'ignore',
      },
    );
    expect(result.stdout).toBe('3');
    expect(result.exitCode).toBe(5);
  });
});
