import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GitHubSandbox } from '../../../src/sandbox/index.ts';
import { UserActions } from '../../../src/sandbox/user-actions.ts';

const doc = readFileSync(new URL('../../../docs/sandbox.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('## The control API'), doc.indexOf('## How it is checked'));

function namesIn(cell: string): string[] {
  return [...cell.matchAll(/`(\w+)(?:\(|`)/g)].map((m) => m[1] ?? '');
}

describe('docs/sandbox.md names only controls that exist', () => {
  const rows = section.split('\n').filter((l) => l.startsWith('| `'));

  it('every control in the table is a method of GitHubSandbox', () => {
    const names = rows.flatMap((row) => namesIn(row.split('|')[1] ?? ''));
    expect(names.length).toBeGreaterThan(15);
    const missing = names.filter(
      (n) =>
        typeof (GitHubSandbox.prototype as unknown as Record<string, unknown>)[n] !== 'function',
    );
    expect(missing).toEqual([]);
  });

  it('every person action listed under as(login) is a method of UserActions', () => {
    const row = rows.find((r) => r.startsWith('| `as(login)`')) ?? '';
    const actions = namesIn(row.split('|')[2] ?? '').filter((n) => n !== 'null');
    expect(actions).toContain('openPullRequest');
    const missing = actions.filter(
      (n) => typeof (UserActions.prototype as unknown as Record<string, unknown>)[n] !== 'function',
    );
    expect(missing).toEqual([]);
  });
});
