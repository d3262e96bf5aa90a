import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, COMMANDS, usageOf } from '../../../src/commands/command-table.ts';
import { closesFence, parseFenceOpen, type Fence } from '../../../src/commands/markdown-fence.ts';
import { renderCommandsDoc, renderHelp } from '../../../src/commands/help-text.ts';
import { parseCommand } from '../../../src/commands/parse-command.ts';

const DOC = new URL('../../../docs/commands.md', import.meta.url);
const START = '<!-- generated:commands:start -->';
const END = '<!-- generated:commands:end -->';

describe('renderHelp', () => {
  it('lists every command', () => {
    const help = renderHelp();
    for (const name of COMMAND_NAMES) expect(help).toContain(`\`/ko ${name}`);
  });

  it.each(COMMAND_NAMES)('explains %s with usage, permission and examples', (name) => {
    const help = renderHelp(name);
    expect(help).toContain(usageOf(name));
    expect(help).toContain(`Needs: ${COMMANDS[name].access.base}`);
    for (const example of COMMANDS[name].examples) expect(help).toContain(example);
  });

  it.each([undefined, ...COMMAND_NAMES])('help for %s can never run a command itself', (topic) => {
    expect(parseCommand(renderHelp(topic))).toBeNull();
  });

  it.each(COMMAND_NAMES)('help for %s closes every code block it opens', (name) => {
    let open: Fence | undefined;
    for (const line of renderHelp(name).split('\n')) {
      if (open) open = closesFence(line, open) ? undefined : open;
      else open = parseFenceOpen(line);
    }
    expect(open).toBeUndefined();
  });

  it('every example in the table parses to its own command', () => {
    for (const name of COMMAND_NAMES) {
      for (const example of COMMANDS[name].examples) {
        const result = parseCommand(example);
        expect(result?.ok && result.command.name).toBe(name);
      }
    }
  });
});

describe('docs/commands.md', () => {
  it('carries the generated command reference unchanged', () => {
    const doc = readFileSync(DOC, 'utf8');
    const start = doc.indexOf(START);
    const end = doc.indexOf(END);
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    const expected = `${START}\n${renderCommandsDoc()}\n${END}`;
    if (process.env.KO_UPDATE_DOCS === '1') {
      writeFileSync(DOC, doc.slice(0, start) + expected + doc.slice(end + END.length));
      return;
    }
    expect(
      doc.slice(start, end + END.length),
      'run KO_UPDATE_DOCS=1 npx vitest run test/unit/commands/help-text.test.ts',
    ).toBe(expected);
  });

  it.each(COMMAND_NAMES)('documents %s', (name) => {
    const doc = readFileSync(DOC, 'utf8');
    expect(doc).toContain(`### \`${usageOf(name)}\``);
    expect(doc).toContain(COMMANDS[name].summary);
  });
});
