// The guard judges relative paths from the job's working directory, as they resolve when the
// command runs: a link out of the root that is only reachable from a subfolder is still refused.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCommand } from '../../../runner/src/guard/check-command.ts';
import {
  checkCommandStrict,
  checkCommandsPwsh,
} from '../../../runner/src/guard/check-command-pwsh.ts';
import { createGuardPort } from '../../../runner/src/guard-port.ts';
import { pwshForTests } from './pwsh-path.ts';

let base: string;
let root: string;
let sub: string;
let pwshPath: string;

beforeAll(() => {
  pwshPath = pwshForTests();
  base = realpathSync(mkdtempSync(join(tmpdir(), 'ko-guard-cwd-')));
  root = join(base, 'repo');
  sub = join(root, 'sub');
  const outside = join(base, 'outside');
  mkdirSync(sub, { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'passwd'), 'secret');
  writeFileSync(join(sub, 'notes.txt'), 'x');
  symlinkSync(outside, join(sub, 'link'));
});

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

describe('guard: relative paths start at the working directory', () => {
  it.each([
    { command: 'Get-Content link/passwd', cwd: 'sub', verdict: 'deny' },
    { command: 'Get-Content -LiteralPath link/passwd', cwd: 'sub', verdict: 'deny' },
    { command: 'Get-ChildItem li*', cwd: 'sub', verdict: 'deny' },
    { command: 'Get-Content notes.txt > link/out.txt', cwd: 'sub', verdict: 'deny' },
    { command: 'Get-Content sub/link/passwd', cwd: '.', verdict: 'deny' },
    { command: 'Get-Content notes.txt', cwd: 'sub', verdict: 'allow' },
    { command: 'Get-Content ../sub/notes.txt', cwd: 'sub', verdict: 'allow' },
    { command: 'Get-Content ../../outside/passwd', cwd: 'sub', verdict: 'deny' },
  ])('TypeScript front end: $command in $cwd → $verdict', ({ command, cwd, verdict }) => {
    expect(checkCommand(command, { root, cwd: join(root, cwd) }).verdict).toBe(verdict);
  });

  it.each([
    { command: 'Set-Location sub; Get-Content link/passwd', verdict: 'deny' },
    { command: 'cd sub; Get-Content link/passwd', verdict: 'deny' },
    {
      command: 'Push-Location -LiteralPath sub; Get-Content -LiteralPath link/passwd',
      verdict: 'deny',
    },
    { command: 'sl su*; Get-ChildItem li*', verdict: 'deny' },
    { command: 'cd sub\ncd link\nGet-Content passwd', verdict: 'deny' },
    { command: 'cd sub; Get-Content notes.txt > link/copy.txt', verdict: 'deny' },
    { command: 'cd sub; Get-Content notes.txt', verdict: 'allow' },
    { command: 'Push-Location sub; Pop-Location; Get-Content sub/notes.txt', verdict: 'allow' },
    // Control flow is not followed: `cd ..` is judged from the root too (stricter, never looser).
    { command: 'cd sub; cd ..; Get-Content sub/notes.txt', verdict: 'deny' },
    { command: 'cd missing-folder; Get-Content sub/notes.txt', verdict: 'allow' },
  ])(
    'a location change inside the command is followed: $command → $verdict',
    ({ command, verdict }) => {
      expect(checkCommand(command, { root }).verdict).toBe(verdict);
    },
  );

  it('without a cwd the root is the start (the old behaviour, kept for callers without one)', () => {
    expect(checkCommand('Get-Content link/passwd', { root }).verdict).toBe('allow');
  });

  it('PowerShell front end and the strict check see the same escape from the subfolder', async () => {
    const [pwsh] = await checkCommandsPwsh(['Get-Content link/passwd'], {
      root,
      cwd: sub,
      pwshPath,
    });
    expect(pwsh).toMatchObject({ verdict: 'deny', rule: 'path-outside-root', engine: 'pwsh' });
    const strict = await checkCommandStrict('Get-Content link/passwd', {
      root,
      cwd: sub,
      pwshPath,
    });
    expect(strict).toMatchObject({ verdict: 'deny', rule: 'path-outside-root', engine: 'both' });
    expect(strict.findings.filter((f) => f.rule === 'path-outside-root')).toHaveLength(2);
    const [afterCd] = await checkCommandsPwsh(['Set-Location sub; Get-Content link/passwd'], {
      root,
      pwshPath,
    });
    expect(afterCd).toMatchObject({ verdict: 'deny', rule: 'path-outside-root' });
  }, 60_000);

  it.each(['ts', 'both'] as const)(
    'the runner guard port (%s) judges from the job cwd it is given',
    async (engine) => {
      const guard = createGuardPort({ engine, pwshPath });
      expect(await guard('Get-Content link/passwd', { root, cwd: sub })).toMatchObject({
        verdict: 'deny',
        rule: 'path-outside-root',
      });
      expect((await guard('Get-Content link/passwd', { root, cwd: root })).verdict).toBe('allow');
    },
    60_000,
  );
});
