// The README is the front door: its /ko examples must parse and its configuration table must list
// exactly the options the code reads (STYLE.md §9).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/commands/parse-command.ts';
import { OPTION_DESCRIPTIONS } from '../../../src/config/read-env-options.ts';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

function section(title: string): string {
  const start = readme.indexOf(`## ${title}`);
  expect(start, `README has a "## ${title}" section`).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe('README', () => {
  const koLines = section('`/ko` commands')
    .split('\n')
    .filter((line) => line.startsWith('/ko'));

  it('shows at least one example per documented command', () => {
    expect(koLines.length).toBeGreaterThanOrEqual(11);
  });

  it.each(koLines)('example %s parses', (line) => {
    const result = parseCommand(line);
    expect(result?.ok, JSON.stringify(result)).toBe(true);
  });

  it('lists every environment option the code reads, and no other', () => {
    const table = section('Configuration');
    const documented = [...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((match) => match[1]);
    const read = OPTION_DESCRIPTIONS.map((option) => option.env);
    expect([...documented].sort()).toEqual([...read].sort());
  });
});
