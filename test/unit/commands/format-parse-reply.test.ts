import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, COMMANDS } from '../../../src/commands/command-table.ts';
import { formatCommandError, ignoredLinesNote } from '../../../src/commands/format-parse-reply.ts';
import { parseCommand, type ParseResult } from '../../../src/commands/parse-command.ts';

describe('ignoredLinesNote', () => {
  const cases = [
    { input: '/ko plan', expected: undefined },
    {
      input: '/ko plan\n/ko merge',
      expected:
        'Only the first `/ko` line (line 1) was read; line 2 was ignored: one command per comment.',
    },
    {
      input: 'hi\n/ko plan\n/ko merge\n\n/ko retry\n/ko status',
      expected:
        'Only the first `/ko` line (line 2) was read; lines 3, 5 and 6 were ignored: one command per comment.',
    },
  ];
  it.each(cases)('$input', ({ input, expected }) => {
    expect(ignoredLinesNote(parseCommand(input) as ParseResult)).toBe(expected);
  });
});

describe('formatCommandError', () => {
  it('puts the problem first and the suggestion after', () => {
    const result = parseCommand('/ko mrege');
    expect(result?.ok).toBe(false);
    if (result && !result.ok) {
      expect(formatCommandError(result.error)).toBe(
        '`/ko mrege` is not a KO command.\n\nDid you mean `/ko merge`? `/ko help` lists the commands.',
      );
    }
  });
});

describe('parseCommand: properties', () => {
  const examples = COMMAND_NAMES.flatMap((name) =>
    COMMANDS[name].examples.filter((e) => !e.includes('\n')),
  );

  it('never throws, and reads only known commands', () => {
    fc.assert(
      fc.property(
        // No fences, quotes or HTML comments before the line, so the /ko line is always read.
        fc.string({ maxLength: 200 }).map((s) => s.replace(/[`~<>]/g, '')),
        fc.string({ maxLength: 40 }),
        (before, rest) => {
          const result = parseCommand(`${before}\n/ko ${rest}`);
          expect(result).not.toBeNull();
          if (result?.ok) expect(COMMAND_NAMES).toContain(result.command.name);
          else expect(result?.error.suggestion.length).toBeGreaterThan(0);
        },
      ),
    );
  });

  it('ignores any command in a quote or a code block', () => {
    const wrap = fc.constantFrom(
      (line: string) => `> ${line}`,
      (line: string) => `  >${line}`,
      (line: string) => `\`\`\`\n${line}\n\`\`\``,
      (line: string) => `~~~~ text\n${line}\n~~~~`,
      (line: string) => `    ${line}`,
      (line: string) => `<!--\n${line}\n-->`,
    );
    fc.assert(
      fc.property(fc.constantFrom(...examples), wrap, (example, wrapIt) => {
        expect(parseCommand(wrapIt(example))).toBeNull();
      }),
    );
  });

  it('does not care about the case of the command words', () => {
    const flip = (text: string, mask: boolean[]) =>
      [...text].map((c, i) => (mask[i % mask.length] ? c.toUpperCase() : c.toLowerCase())).join('');
    const plain = examples.filter((e) => !e.startsWith('/ko exec') && !e.startsWith('/ko cancel '));
    fc.assert(
      fc.property(
        fc.constantFrom(...plain),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 10 }),
        (example, mask) => {
          expect(parseCommand(flip(example, mask))).toEqual({
            ...parseCommand(example),
            text: flip(example, mask),
          });
        },
      ),
    );
  });
});
