import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCommand, parseCommandTs } from '../../../runner/src/guard/check-command.ts';
import type { ParsedCommand } from '../../../runner/src/guard/parsed-command.ts';

function summary(parsed: ParsedCommand): string[] {
  return parsed.invocations.map((i) => {
    const params = i.parameters
      .filter((p) => p.resolution !== 'positional')
      .map((p) => `-${p.name}${p.value ? `=${p.value.text}` : ''}`);
    return [i.name, ...params].join(' ');
  });
}

describe('TypeScript PowerShell parser: names and parameters', () => {
  it.each([
    { input: 'Remove-Item -Recurse x', expected: ['remove-item -recurse'] },
    { input: 'rm -r -fo x', expected: ['remove-item -recurse -force'] },
    { input: 'RM -REC x', expected: ['remove-item -recurse'] },
    { input: 'del x -Recurse:$true', expected: ['remove-item -recurse=$true'] },
    {
      input: 'Remove-Item \u2013Recurse \u2014Force \u2015Path x',
      expected: ['remove-item -recurse -force -path=x'],
    },
    { input: 'Re`move`-`Item x', expected: ['remove-item'] },
    { input: 'Microsoft.PowerShell.Management\\Remove-Item x', expected: ['remove-item'] },
    { input: "& 'Remove-Item' x", expected: ['remove-item'] },
    { input: '& "Remove-Item" x', expected: ['remove-item'] },
    { input: '. Remove-Item x', expected: ['remove-item'] },
    { input: 'Remove-Item `\n  -Recurse x', expected: ['remove-item -recurse'] },
    {
      input: 'Get-ChildItem -Path:./src -Filter *.ts',
      expected: ['get-childitem -path=./src -filter=*.ts'],
    },
    {
      input: 'gci | ? { $_.Length -gt 1 } | % { $_.Name }',
      expected: ['get-childitem', 'where-object', 'foreach-object'],
    },
    { input: 'Write-Output "a $(Remove-Item x) b"', expected: ['remove-item', 'write-output'] },
    { input: "@'\nRemove-Item x\n'@ | Out-Null", expected: ['out-null'] },
    { input: '@"\n$(Stop-Computer)\n"@', expected: ['stop-computer'] },
    {
      input: 'if ($a) { rm x } elseif ($b) { del y } else { ri z }',
      expected: ['remove-item', 'remove-item', 'remove-item'],
    },
    {
      input: 'foreach ($f in Get-ChildItem) { Remove-Item $f }',
      expected: ['get-childitem', 'remove-item'],
    },
    {
      input: 'try { Stop-Computer } catch { Write-Output x } finally { Restart-Computer }',
      expected: ['stop-computer', 'write-output', 'restart-computer'],
    },
    {
      input: '$x = Get-Item a; $y = @{ K = (Stop-Computer) }',
      expected: ['get-item', 'stop-computer'],
    },
    { input: 'Get-ChildItem # ; Remove-Item x', expected: ['get-childitem'] },
    { input: 'Get-ChildItem <# ; Remove-Item x #> -Force', expected: ['get-childitem -force'] },
    { input: "Write-Output 'it''s'; Stop-Computer", expected: ['write-output', 'stop-computer'] },
    {
      input: 'Get-ChildItem && Stop-Computer || Restart-Computer',
      expected: ['get-childitem', 'stop-computer', 'restart-computer'],
    },
    { input: 'Get-ChildItem\n| Remove-Item', expected: ['get-childitem', 'remove-item'] },
    {
      input: 'Write-Output \u2018smart\u2019; Write-Output \u201cdouble\u201d',
      expected: ['write-output', 'write-output'],
    },
  ])('$input', ({ input, expected }) => {
    expect(summary(parseCommandTs(input))).toEqual(expected);
  });

  it('follows PowerShell 7 escapes: `e is ESC, so R`e`move-Item is not Remove-Item', () => {
    expect(parseCommandTs('R`e`move-Item x').invocations[0]?.name).toBe('r\x1bmove-item');
  });

  it('binds positional arguments by the cmdlet metadata', () => {
    const [invocation] = parseCommandTs('Copy-Item a b').invocations;
    expect(invocation?.parameters.map((p) => [p.name, p.value?.text, p.resolution])).toEqual([
      ['path', 'a', 'positional'],
      ['destination', 'b', 'positional'],
    ]);
  });

  it('takes the most dangerous reading of an ambiguous prefix', () => {
    const [invocation] = parseCommandTs('Get-ChildItem -f x').invocations;
    expect(invocation?.parameters[0]).toMatchObject({ resolution: 'ambiguous' });
  });

  it('knows which parameters are switches (a switch does not eat the next word)', () => {
    const [invocation] = parseCommandTs('Remove-Item -Recurse ./x').invocations;
    expect(invocation?.parameters.map((p) => [p.name, p.value?.text])).toEqual([
      ['recurse', undefined],
      ['path', './x'],
    ]);
  });
});

describe('TypeScript PowerShell parser: what cannot be known statically', () => {
  it.each([
    { input: '& $cmd x', kind: 'call-variable' },
    { input: '& ("Remove" + "-Item") x', kind: 'call-variable' },
    { input: 'Remove-Item @params', kind: 'splatting' },
    { input: 'function Get-ChildItem { }', kind: 'function-definition' },
    { input: 'filter f { $_ }', kind: 'function-definition' },
    { input: 'powershell -enc ZABpAHIA', kind: 'encoded-command' },
    { input: '$(Get-Command x) y', kind: undefined },
  ])('$input', ({ input, kind }) => {
    const parsed = parseCommandTs(input);
    if (kind === undefined) expect(parsed.dynamic).toEqual([]);
    else expect(parsed.dynamic.map((d) => d.kind)).toContain(kind);
  });

  it('records .NET static and instance calls', () => {
    const parsed = parseCommandTs(
      "[System.IO.Directory]::Delete('x', $true); (Get-Item y).Delete(); [Math]::PI",
    );
    expect(parsed.dotnetCalls).toEqual([
      { type: 'io.directory', member: 'delete' },
      { type: '<instance>', member: 'delete' },
      { type: 'math', member: 'pi' },
    ]);
  });

  it('records redirections to files, not stream merges', () => {
    const parsed = parseCommandTs('Get-ChildItem > a.txt 2>> b.txt 2>&1 *> c.txt');
    expect(parsed.redirections.map((r) => [r.operator, r.target.text, r.append])).toEqual([
      ['>', 'a.txt', false],
      ['2>>', 'b.txt', true],
      ['*>', 'c.txt', false],
    ]);
  });

  it('reports parse errors instead of guessing', () => {
    expect(parseCommandTs('Write-Output "unterminated').parseErrors.length).toBeGreaterThan(0);
    expect(parseCommandTs('Get-ChildItem )').parseErrors.length).toBeGreaterThan(0);
  });

  it('survives deep nesting without a stack overflow', () => {
    const parsed = parseCommandTs(`${'('.repeat(5000)}Stop-Computer${')'.repeat(5000)}`);
    expect(parsed.parseErrors.join(' ')).toMatch(/nesting deeper/);
  });
});

describe('nested shells', () => {
  it.each([
    { input: 'cmd /c "rd /s /q C:\\x & echo done"', names: ['cmd', 'rd', 'echo'] },
    { input: "bash -c 'sudo rm -rf / ; ls'", names: ['bash', 'rm', 'ls'] },
    { input: "sh -c 'echo $(rm -rf /)'", names: ['sh', 'rm', 'echo'] },
    { input: 'sh -c "echo $(rm -rf /)"', names: ['remove-item', 'sh', 'rm', 'echo'] },
    { input: 'wsl -d Ubuntu rm -rf /', names: ['wsl', 'rm'] },
    {
      input: 'powershell -NoProfile -Command "Remove-Item -Recurse x"',
      names: ['powershell', 'remove-item'],
    },
    { input: 'pwsh -c rm -r x', names: ['pwsh', 'remove-item'] },
    {
      input: `powershell -enc ${Buffer.from('Stop-Computer', 'utf16le').toString('base64')}`,
      names: ['powershell', 'stop-computer'],
    },
    {
      input: 'Start-Process cmd -ArgumentList "/c del /s x"',
      names: ['start-process', 'cmd', 'del'],
    },
    {
      input: 'Start-Process -FilePath pwsh -ArgumentList "-Command","Stop-Computer"',
      names: ['start-process', 'pwsh', 'stop-computer'],
    },
    { input: "iex 'Stop-Computer'", names: ['invoke-expression', 'stop-computer'] },
    { input: 'cmd /c powershell -c "cmd /c rd /s x"', names: ['cmd', 'powershell', 'cmd', 'rd'] },
  ])('$input', ({ input, names }) => {
    expect(
      parseCommandTs(input)
        .invocations.map((i) => i.name)
        .sort(),
    ).toEqual([...names].sort());
  });

  it('stops at a nesting limit and says so', () => {
    let text = 'Stop-Computer';
    for (let i = 0; i < 12; i += 1)
      text = `powershell -enc ${Buffer.from(text, 'utf16le').toString('base64')}`;
    expect(parseCommandTs(text).dynamic.map((d) => d.kind)).toContain('depth-limit');
  });
});

describe('robustness', () => {
  it('never throws and never allows text it cannot parse cleanly (fast-check)', () => {
    const alphabet = [...'abcRm-–—$@&|;(){}[]\'"`#<>=,.:/\\ \n\t*?%!+0123456789\u2018\u201c'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 80 }), (chars) => {
        const text = chars.join('');
        const decision = checkCommand(text, {
          root: '/srv/repo',
          platform: 'linux',
          realpath: false,
        });
        if (decision.findings.some((f) => f.rule === 'parse-error'))
          expect(decision.verdict).not.toBe('allow');
      }),
      { numRuns: 1500, seed: 7 },
    );
  });

  it('a random prefix cannot hide a dangerous statement on the next line (fast-check)', () => {
    // No backtick or comma: a trailing one legitimately continues the line, so the next line is an argument.
    const alphabet = [...'abcRm-–$@&|;(){}[]\'"#<>=.:/\\ \t*?%!+019\u2018\u201c'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }), (chars) => {
        const text = `${chars.join('')}\nStop-Computer`;
        const decision = checkCommand(text, {
          root: '/srv/repo',
          platform: 'linux',
          realpath: false,
        });
        expect(decision.verdict, text).not.toBe('allow');
      }),
      { numRuns: 2000, seed: 11 },
    );
  });

  it('stops after many errors instead of piling them up', () => {
    const parsed = parseCommandTs(')'.repeat(100_000));
    expect(parsed.parseErrors.length).toBeLessThanOrEqual(52);
  });
});
