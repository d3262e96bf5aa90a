import { describe, expect, it } from 'vitest';
import { parseCommand, type KoCommand } from '../../../src/commands/parse-command.ts';

describe('parseCommand: valid commands', () => {
  const cases: { input: string; expected: KoCommand }[] = [
    { input: '/ko help', expected: { name: 'help' } },
    { input: '/ko help merge', expected: { name: 'help', topic: 'merge' } },
    { input: '/ko help MERGE', expected: { name: 'help', topic: 'merge' } },
    { input: '/ko status', expected: { name: 'status' } },
    { input: '/KO STATUS', expected: { name: 'status' } },
    { input: '/Ko Status  ', expected: { name: 'status' } },
    { input: '   /ko plan', expected: { name: 'plan' } },
    { input: '/ko\tplan', expected: { name: 'plan' } },
    { input: '/ko merge', expected: { name: 'merge' } },
    { input: '/ko merge --apply', expected: { name: 'merge', mode: 'apply' } },
    { input: '/ko merge --APPLY', expected: { name: 'merge', mode: 'apply' } },
    { input: '/ko merge --dry-run', expected: { name: 'merge', mode: 'dry-run' } },
    { input: '/ko merge --apply --apply', expected: { name: 'merge', mode: 'apply' } },
    { input: '/ko approve', expected: { name: 'approve' } },
    { input: '/ko approve a7k2', expected: { name: 'approve', id: 'a7k2' } },
    { input: '/ko approve A7K2', expected: { name: 'approve', id: 'a7k2' } },
    { input: '/ko abort', expected: { name: 'abort' } },
    { input: '/ko abort x3pq9', expected: { name: 'abort', id: 'x3pq9' } },
    {
      input: '/ko exec Get-ChildItem -Name',
      expected: { name: 'exec', command: 'Get-ChildItem -Name', source: 'line' },
    },
    {
      input: '/ko exec   Write-Output  "a  b"  ',
      expected: { name: 'exec', command: 'Write-Output  "a  b"', source: 'line' },
    },
    {
      input: '/ko exec `Get-ChildItem -Name`',
      expected: { name: 'exec', command: 'Get-ChildItem -Name', source: 'line' },
    },
    {
      input: '/ko exec `` Write-Output `"quoted`" ``',
      expected: { name: 'exec', command: 'Write-Output `"quoted`"', source: 'line' },
    },
    {
      input: '/ko exec `a` and `b`',
      expected: { name: 'exec', command: '`a` and `b`', source: 'line' },
    },
    {
      input: '/ko exec Write-Output "`t"',
      expected: { name: 'exec', command: 'Write-Output "`t"', source: 'line' },
    },
    {
      input: '/ko EXEC --apply',
      expected: { name: 'exec', command: '--apply', source: 'line' },
    },
    {
      input: '/ko exec\n```powershell\nGet-Date\nGet-Location\n```',
      expected: {
        name: 'exec',
        command: 'Get-Date\nGet-Location',
        source: 'block',
        language: 'powershell',
      },
    },
    {
      input: '/ko exec\r\n\r\n~~~~\r\n```\r\ninner\r\n~~~~\r\n',
      expected: { name: 'exec', command: '```\ninner', source: 'block' },
    },
    { input: '/ko cancel', expected: { name: 'cancel' } },
    { input: '/ko cancel job-42', expected: { name: 'cancel', job: 'job-42' } },
    { input: '/ko cancel Job_42.a:b', expected: { name: 'cancel', job: 'Job_42.a:b' } },
    { input: '/ko retry', expected: { name: 'retry' } },
    { input: '/ko rollback', expected: { name: 'rollback' } },
    { input: '/ko rollback --dry-run', expected: { name: 'rollback', mode: 'dry-run' } },
    { input: '/ko synthetic', expected: { name: 'synthetic' } },
    { input: '/ko synthetic --apply', expected: { name: 'synthetic', mode: 'apply' } },
    // Only the first /ko line counts; prose around it is fine.
    { input: 'Looks good to me.\n\n/ko merge\n\nthanks', expected: { name: 'merge' } },
    { input: '/ko status\n/ko merge --apply', expected: { name: 'status' } },
    // A quoted reply, code and comments are skipped, so the next real line is read.
    { input: '> /ko merge --apply\n\n/ko status', expected: { name: 'status' } },
    { input: '```\n/ko merge\n```\n/ko plan', expected: { name: 'plan' } },
    { input: '<!-- /ko merge -->\n/ko plan', expected: { name: 'plan' } },
    { input: '<!--\n/ko merge\n-->\n/ko plan', expected: { name: 'plan' } },
    { input: '    /ko merge\n/ko plan', expected: { name: 'plan' } },
    { input: '/ko plan <!-- from the template -->', expected: { name: 'plan' } },
  ];
  it.each(cases)('$input', ({ input, expected }) => {
    const result = parseCommand(input);
    expect(result).not.toBeNull();
    expect(result?.ok ? result.command : result?.error).toEqual(expected);
  });
});

describe('parseCommand: comments without a command', () => {
  const cases = [
    '',
    'LGTM',
    '> /ko merge',
    '>/ko merge',
    '  > /ko merge --apply',
    '```\n/ko merge\n```',
    '~~~\n/ko merge',
    '    /ko merge',
    '\t/ko merge',
    '<!-- /ko merge -->',
    '<!--\n/ko merge\n-->',
    'please run `/ko merge`',
    'run /ko merge please',
    '/kobong merge',
    '/k o merge',
    '//ko merge',
    'ko merge',
  ];
  it.each(cases)('%j is not for KO', (input) => {
    expect(parseCommand(input)).toBeNull();
  });
});

describe('parseCommand: errors', () => {
  const cases: { input: string; code: string; suggestion: RegExp | string }[] = [
    { input: '/ko', code: 'MISSING_COMMAND', suggestion: '/ko help' },
    { input: '/ko   ', code: 'MISSING_COMMAND', suggestion: '/ko help' },
    { input: '/ko mrege', code: 'UNKNOWN_COMMAND', suggestion: 'Did you mean `/ko merge`?' },
    { input: '/ko merg', code: 'UNKNOWN_COMMAND', suggestion: 'Did you mean `/ko merge`?' },
    { input: '/ko MERGEE', code: 'UNKNOWN_COMMAND', suggestion: 'Did you mean `/ko merge`?' },
    {
      input: '/ko mrege --apply',
      code: 'UNKNOWN_COMMAND',
      suggestion: 'Did you mean `/ko merge --apply`?',
    },
    {
      input: '/ko mrege whatever',
      code: 'UNKNOWN_COMMAND',
      suggestion: 'Did you mean `/ko merge`?',
    },
    { input: '/ko stauts', code: 'UNKNOWN_COMMAND', suggestion: 'Did you mean `/ko status`?' },
    { input: '/ko halp', code: 'UNKNOWN_COMMAND', suggestion: 'Did you mean `/ko help`?' },
    { input: '/ko aprove', code: 'UNKNOWN_COMMAND', suggestion: 'Did you mean `/ko approve`?' },
    { input: '/ko abrot', code: 'UNKNOWN_COMMAND', suggestion: 'Did you mean `/ko abort`?' },
    { input: '/ko rolback', code: 'UNKNOWN_COMMAND', suggestion: 'Did you mean `/ko rollback`?' },
    { input: '/ko synth', code: 'UNKNOWN_COMMAND', suggestion: 'Did you mean `/ko synthetic`?' },
    { input: '/ko exce ls', code: 'UNKNOWN_COMMAND', suggestion: 'Did you mean `/ko exec ls`?' },
    { input: '/ko deploy', code: 'UNKNOWN_COMMAND', suggestion: /^`\/ko help` lists/ },
    { input: '/ko x', code: 'UNKNOWN_COMMAND', suggestion: /^`\/ko help` lists/ },
    { input: '/ko lgtm', code: 'UNKNOWN_COMMAND', suggestion: /^`\/ko help` lists/ },
    {
      input: '/ko merge --aply',
      code: 'UNKNOWN_OPTION',
      suggestion: 'Did you mean `/ko merge --apply`?',
    },
    {
      input: '/ko merge -apply',
      code: 'UNKNOWN_OPTION',
      suggestion: 'Did you mean `/ko merge --apply`?',
    },
    {
      input: '/ko merge —apply',
      code: 'UNKNOWN_OPTION',
      suggestion: 'Did you mean `/ko merge --apply`?',
    },
    {
      input: '/ko merge --dryrun',
      code: 'UNKNOWN_OPTION',
      suggestion: 'Did you mean `/ko merge --dry-run`?',
    },
    {
      input: '/ko merge --force',
      code: 'UNKNOWN_OPTION',
      suggestion: /^Usage: `\/ko merge \[--apply/,
    },
    { input: '/ko status --apply', code: 'UNKNOWN_OPTION', suggestion: 'Usage: `/ko status`.' },
    {
      input: '/ko approve --apply',
      code: 'UNKNOWN_OPTION',
      suggestion: 'Usage: `/ko approve [id]`.',
    },
    { input: '/ko merge --apply --dry-run', code: 'CONFLICTING_OPTIONS', suggestion: 'Choose one' },
    {
      input: '/ko merge apply',
      code: 'UNEXPECTED_ARGUMENT',
      suggestion: 'Did you mean `/ko merge --apply`?',
    },
    {
      input: '/ko synthetic dry-run',
      code: 'UNEXPECTED_ARGUMENT',
      suggestion: 'Did you mean `/ko synthetic --dry-run`?',
    },
    { input: '/ko merge now', code: 'UNEXPECTED_ARGUMENT', suggestion: /^Usage/ },
    { input: '/ko status please', code: 'UNEXPECTED_ARGUMENT', suggestion: 'Usage: `/ko status`.' },
    { input: '/ko retry 3', code: 'UNEXPECTED_ARGUMENT', suggestion: 'Usage: `/ko retry`.' },
    { input: '/ko approve a7k2 b3m4', code: 'UNEXPECTED_ARGUMENT', suggestion: /^Usage/ },
    {
      input: '/ko approve #a7k2',
      code: 'INVALID_ARGUMENT',
      suggestion: 'Did you mean `/ko approve a7k2`?',
    },
    { input: '/ko approve abc', code: 'INVALID_ARGUMENT', suggestion: /\/ko status/ },
    { input: '/ko approve a0l1', code: 'INVALID_ARGUMENT', suggestion: /\/ko status/ },
    { input: '/ko abort all', code: 'INVALID_ARGUMENT', suggestion: /\/ko status/ },
    { input: '/ko cancel ../x', code: 'INVALID_ARGUMENT', suggestion: /\/ko status/ },
    {
      input: '/ko help mrege',
      code: 'UNKNOWN_COMMAND',
      suggestion: 'Did you mean `/ko help merge`?',
    },
    { input: '/ko help nothing', code: 'UNKNOWN_COMMAND', suggestion: /^`\/ko help` lists/ },
    { input: '/ko help merge plan', code: 'UNEXPECTED_ARGUMENT', suggestion: /^Usage/ },
    { input: '/ko exec', code: 'MISSING_ARGUMENT', suggestion: /fenced code block/ },
    { input: '/ko exec\nplease list files', code: 'MISSING_ARGUMENT', suggestion: /fenced/ },
    { input: '/ko exec\n```\n\n```', code: 'MISSING_ARGUMENT', suggestion: /fenced/ },
    {
      input: '/ko exec\n```ps1\nGet-Date',
      code: 'UNCLOSED_CODE_BLOCK',
      suggestion: 'End it with a line of `` ``` ``.',
    },
  ];
  it.each(cases)('$input → $code', ({ input, code, suggestion }) => {
    const result = parseCommand(input);
    expect(result?.ok).toBe(false);
    if (result === null || result.ok) return;
    expect(result.error.code).toBe(code);
    expect(result.error.message.length).toBeGreaterThan(0);
    if (typeof suggestion === 'string') expect(result.error.suggestion).toContain(suggestion);
    else expect(result.error.suggestion).toMatch(suggestion);
  });
});

describe('parseCommand: metadata', () => {
  const cases = [
    { input: '/ko merge', line: 1, text: '/ko merge', ignoredLines: [] },
    {
      input: 'hi\n  /ko merge  \n/ko plan\n> /ko status\n/ko retry',
      line: 2,
      text: '/ko merge',
      ignoredLines: [3, 5],
    },
    // The exec block's lines are code, not further commands.
    {
      input: '/ko exec\n```\n/ko merge\n```\n/ko plan',
      line: 1,
      text: '/ko exec',
      ignoredLines: [5],
    },
    // A failed first line is still the one that counts: KO never falls through to the next.
    { input: '/ko mrege\n/ko merge', line: 1, text: '/ko mrege', ignoredLines: [2] },
  ];
  it.each(cases)('$input', ({ input, line, text, ignoredLines }) => {
    const result = parseCommand(input);
    expect(result).toMatchObject({ line, text, ignoredLines });
  });

  it('quotes hostile input without breaking out of inline code', () => {
    const result = parseCommand('/ko `rm` ' + 'x'.repeat(200));
    expect(result?.ok).toBe(false);
    if (result === null || result.ok) return;
    expect(result.error.message).not.toContain('`rm`');
    expect(result.error.message.length).toBeLessThan(120);
  });
});
