import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCommand, type GuardDecision } from '../../../runner/src/guard/check-command.ts';
import { checkCommandsPwsh } from '../../../runner/src/guard/check-command-pwsh.ts';
import { ENVIRONMENTS, loadCorpus } from '../../unit/guard/corpus-helpers.ts';
import { MUTATIONS } from '../../unit/guard/mutations.ts';
import { pwshForTests } from './pwsh-path.ts';

// Both front ends over the whole corpus (and mutated dangerous commands), in ONE pwsh process
// per nesting level: pwsh starts slowly on this machine.
const options = {
  ...(ENVIRONMENTS[0] as (typeof ENVIRONMENTS)[number]).options,
  pwshPath: pwshForTests(),
  timeoutMs: 300_000,
};
const dangerous = loadCorpus('dangerous');
const benign = loadCorpus('benign');
const safe = loadCorpus('safe');
const sampled = [
  'backticks in the name (non-escape letters)',
  'en dash parameters',
  'three-letter parameter prefixes',
  'upper case',
];
const mutated = MUTATIONS.filter((m) => sampled.includes(m.name)).flatMap((m) =>
  dangerous.map((c) => m.apply(c)),
);
const extra = [
  'R`e`move-Item ./x -Recurse',
  'Re`move`-`Item ./x -Recurse',
  "Write-Output 'a' > $null",
  'Get-ChildItem | ForEach-Object -MemberName Delete',
  'Set-Alias ls Remove-Item; ls -Recurse ./x',
  '$x = "a"; Get-Content "./$x"',
];
const all = [...new Set([...dangerous, ...benign, ...safe, ...mutated, ...extra])];
// Random token soups: they found statements PowerShell runs as commands (`-Force`) and
// expressions it refuses (`'a' -Path`) that the TypeScript side had allowed.
const soupTokens = [
  'Get-ChildItem',
  'Remove-Item',
  'rm',
  '-Recurse',
  '-r',
  '-Path',
  './x',
  '../x',
  '$x',
  '@p',
  '|',
  ';',
  '&',
  "'a'",
  '"b $(Stop-Computer)"',
  '(',
  ')',
  '{',
  '}',
  '`',
  ' ',
  '\n',
  '-Force',
  ':$true',
  '#',
  '<#',
  '#>',
  'iex',
  'cmd',
  '/c',
  'git',
  'status',
  '-c',
  '=',
  '.',
  '--%',
  '*',
  ',',
  'Write-Output',
  '\u2013',
  '2>',
  'out.txt',
];
const soups = fc
  .sample(fc.array(fc.constantFrom(...soupTokens), { minLength: 1, maxLength: 8 }), {
    numRuns: 250,
    seed: 99,
  })
  .map((tokens) => tokens.join(' '))
  .filter((text) => !all.includes(text));
const batch = [...all, ...soups];

let pwsh: GuardDecision[] = [];

beforeAll(async () => {
  pwsh = await checkCommandsPwsh(batch, options);
}, 600_000);

describe('differential: TypeScript front end vs PowerShell parser + StaticParameterBinder', () => {
  it('judges every command of the corpus in one batch', () => {
    expect(pwsh).toHaveLength(batch.length);
    expect(pwsh.every((d) => d.engine === 'pwsh')).toBe(true);
  });

  it('never has the TypeScript front end allow what PowerShell would not', () => {
    const unsafe = all.flatMap((command, i) => {
      const ts = checkCommand(command, options);
      const ps = pwsh[i] as GuardDecision;
      return ts.verdict === 'allow' && ps.verdict !== 'allow'
        ? [`${JSON.stringify(command)}: ts allow, pwsh ${ps.verdict} (${ps.rule}: ${ps.reason})`]
        : [];
    });
    expect(unsafe).toEqual([]);
  });

  it('never allows a random token soup that PowerShell would not allow', () => {
    const unsafe = soups.flatMap((command, j) => {
      const ps = pwsh[all.length + j] as GuardDecision;
      const ts = checkCommand(command, options);
      return ts.verdict === 'allow' && ps.verdict !== 'allow'
        ? [`${JSON.stringify(command)}: pwsh ${ps.verdict} (${ps.rule})`]
        : [];
    });
    expect(unsafe).toEqual([]);
  });

  it('agrees on the verdict class for every corpus command', () => {
    const disagreements = all.flatMap((command, i) => {
      const ts = checkCommand(command, options);
      const ps = pwsh[i] as GuardDecision;
      return ts.verdict === ps.verdict
        ? []
        : [
            `${JSON.stringify(command)}: ts ${ts.verdict}/${ts.rule}, pwsh ${ps.verdict}/${ps.rule}`,
          ];
    });
    expect(disagreements).toEqual([]);
  });

  it('holds the corpus expectations with the PowerShell front end too', () => {
    const failures: string[] = [];
    all.forEach((command, i) => {
      const ps = pwsh[i] as GuardDecision;
      if ((dangerous.includes(command) || mutated.includes(command)) && ps.verdict === 'allow')
        failures.push(`dangerous allowed: ${command}`);
      if (benign.includes(command) && ps.verdict === 'deny')
        failures.push(`benign denied: ${command}`);
      if (safe.includes(command) && ps.verdict !== 'allow')
        failures.push(`safe not allowed: ${command} (${ps.rule})`);
    });
    expect(failures).toEqual([]);
  });

  it('keeps the TypeScript parsed form as the approval binding on both engines', () => {
    const i = all.indexOf('git push origin main');
    expect(pwsh[i]?.approval_binding_sha256).toBe(
      checkCommand('git push origin main', options).approval_binding_sha256,
    );
  });
});

describe('parse-command.ps1', () => {
  it('carries the standard header', () => {
    const text = readFileSync(
      new URL('../../../runner/src/guard/ps-parser/parse-command.ps1', import.meta.url),
      'utf8',
    );
    expect(text.startsWith('#Requires -Version 7\n')).toBe(true);
    expect(text).toContain("Set-StrictMode -Version Latest\n$ErrorActionPreference = 'Stop'");
    expect(text).not.toContain('\r\n');
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
  });

  it('fails loudly when pwsh is missing', async () => {
    await expect(
      checkCommandsPwsh(['Get-ChildItem'], { ...options, pwshPath: '/nonexistent/pwsh' }),
    ).rejects.toMatchObject({ code: 'GUARD_PWSH_MISSING' });
  });
});
