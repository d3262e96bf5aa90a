import webhookExamples from '@octokit/webhooks-examples';
import { describe, expect, it } from 'vitest';
import { configPushHint } from '../../../src/workflow/config-push.ts';

interface ExampleSet {
  name: string;
  examples: Record<string, unknown>[];
}

/** GitHub's published `push` examples (@octokit/webhooks-examples). */
const examples =
  (webhookExamples as unknown as ExampleSet[]).find((set) => set.name === 'push')?.examples ?? [];

/** A push to the default branch of an installed repo, from the published example that has one. */
function pushToDefault(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base = examples.find((e) => e['ref'] === 'refs/heads/master' && e['installation']);
  if (base === undefined) throw new Error('no push-to-default-branch example with an installation');
  return { ...structuredClone(base), ...overrides };
}

const commit = (lists: { added?: string[]; modified?: string[]; removed?: string[] }) => ({
  id: 'c1',
  added: [],
  modified: [],
  removed: [],
  ...lists,
});

describe('configPushHint', () => {
  it('reads every published push example without throwing; tag pushes are not config changes', () => {
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      const hint = configPushHint(example);
      if (String(example['ref']).startsWith('refs/tags/')) expect(hint).toBeUndefined();
    }
  });

  const cases: { name: string; payload: () => unknown; expected: boolean }[] = [
    {
      name: 'modified on the default branch',
      payload: () => pushToDefault({ commits: [commit({ modified: ['.github/ko.yml'] })] }),
      expected: true,
    },
    {
      name: 'added',
      payload: () =>
        pushToDefault({ commits: [commit({}), commit({ added: ['.github/ko.yml'] })] }),
      expected: true,
    },
    {
      name: 'removed (back to the defaults)',
      payload: () => pushToDefault({ commits: [commit({ removed: ['.github/ko.yml'] })] }),
      expected: true,
    },
    {
      name: 'other files only',
      payload: () => pushToDefault({ commits: [commit({ modified: ['README.md'] })] }),
      expected: false,
    },
    {
      name: 'another branch',
      payload: () =>
        pushToDefault({
          ref: 'refs/heads/feature',
          commits: [commit({ modified: ['.github/ko.yml'] })],
        }),
      expected: false,
    },
    {
      name: '20 listed commits: GitHub may have left the one that matters out',
      payload: () => pushToDefault({ commits: Array.from({ length: 20 }, () => commit({})) }),
      expected: true,
    },
    {
      name: 'a forced push',
      payload: () => pushToDefault({ forced: true, commits: [] }),
      expected: true,
    },
    {
      name: 'the default branch deleted',
      payload: () => pushToDefault({ deleted: true, commits: [] }),
      expected: false,
    },
    {
      name: 'no installation',
      payload: () => ({ ...pushToDefault(), installation: undefined }),
      expected: false,
    },
    { name: 'not an object', payload: () => 'push', expected: false },
  ];
  it.each(cases)('$name → $expected', ({ payload, expected }) => {
    const hint = configPushHint(payload());
    if (!expected) {
      expect(hint).toBeUndefined();
      return;
    }
    const base = pushToDefault() as {
      installation: { id: number };
      repository: { name: string; owner: { login: string } };
    };
    expect(hint).toEqual({
      installationId: base.installation.id,
      owner: base.repository.owner.login,
      repo: base.repository.name,
    });
  });
});
