import { describe, expect, it } from 'vitest';
import {
  buildTree,
  diffTrees,
  flattenTree,
  mergeBase,
  threeWayMerge,
  writeBlob,
  writeCommit,
  type FlatTree,
} from '../../../src/sandbox/git-objects.ts';
import type { RepoState } from '../../../src/sandbox/state.ts';

function emptyRepo(): RepoState {
  return {
    id: 1,
    name: 'r',
    owner: 'o',
    private: false,
    description: null,
    defaultBranch: 'main',
    createdAt: '',
    updatedAt: '',
    pushedAt: '',
    refs: {},
    objects: {},
    permissions: {},
    labels: {},
    issues: {},
    comments: {},
    checkSuites: {},
    checkRuns: {},
    statuses: [],
    nextNumber: 1,
    ci: null,
    requiredChecks: [],
  };
}

const flat = (entries: Record<string, string>): FlatTree =>
  new Map(Object.entries(entries).map(([p, sha]) => [p, { mode: '100644', sha }]));

describe('git objects hash exactly as git does', () => {
  // Expected values come from `git hash-object`, `git mktree` and `git commit-tree` on the same input.
  it('hashes blobs, nested trees (git’s name order) and commits', () => {
    const repo = emptyRepo();
    const hi = writeBlob(repo, Buffer.from('hi\n'));
    const x = writeBlob(repo, Buffer.from('x'));
    expect([hi.sha, x.sha]).toEqual([
      '45b983be36b73c0788dc9cbcb76cbb80fc7bb057',
      'c1b0730e0133447badcfd47fd144e254807b06e1',
    ]);
    const root = buildTree(
      repo,
      new Map([
        ['a.txt', { mode: '100644', sha: hi.sha }],
        ['dir/z.txt', { mode: '100644', sha: x.sha }],
        ['dir.txt', { mode: '100644', sha: x.sha }],
      ]),
    );
    expect(root).toBe('550bd327ba64ebade5fa142fb7e0a45cc97a76b1');
    const sig = { name: 'alice', email: 'a@x.io', date: new Date(1_700_000_000_000).toISOString() };
    const commit = writeCommit(repo, { tree: root, parents: [], message: 'first\n', author: sig });
    expect(commit.sha).toBe('092227cf146d7fd212967937b7d9d0e3d9b52bd0');
    expect([...flattenTree(repo, root).keys()].sort()).toEqual(['a.txt', 'dir.txt', 'dir/z.txt']);
    expect(buildTree(repo, new Map())).toBe('4b825dc642cb6eb9a060e54bf8d69288fbee4904');
  });

  it('finds the nearest common ancestor', () => {
    const repo = emptyRepo();
    const tree = buildTree(repo, new Map());
    const sig = { name: 'a', email: 'a@x.io', date: '2024-01-01T00:00:00Z' };
    const c = (message: string, parents: string[]): string =>
      writeCommit(repo, { tree, parents, message, author: sig }).sha;
    const root = c('root', []);
    const fork = c('fork', [root]);
    const left = c('left', [fork]);
    const right = c('right', [c('right0', [fork])]);
    expect(mergeBase(repo, left, right)).toBe(fork);
    expect(mergeBase(repo, left, c('alone', []))).toBeUndefined();
  });
});

describe('threeWayMerge (whole files)', () => {
  const cases: {
    name: string;
    base: Record<string, string>;
    ours: Record<string, string>;
    theirs: Record<string, string>;
    files: Record<string, string>;
    conflicts: string[];
  }[] = [
    {
      name: 'only theirs changed',
      base: { a: '1' },
      ours: { a: '1' },
      theirs: { a: '2' },
      files: { a: '2' },
      conflicts: [],
    },
    {
      name: 'only ours changed',
      base: { a: '1' },
      ours: { a: '2' },
      theirs: { a: '1' },
      files: { a: '2' },
      conflicts: [],
    },
    {
      name: 'both made the same change',
      base: { a: '1' },
      ours: { a: '2' },
      theirs: { a: '2' },
      files: { a: '2' },
      conflicts: [],
    },
    {
      name: 'both changed differently',
      base: { a: '1' },
      ours: { a: '2' },
      theirs: { a: '3' },
      files: { a: '2' },
      conflicts: ['a'],
    },
    {
      name: 'different files',
      base: { a: '1', b: '1' },
      ours: { a: '2', b: '1' },
      theirs: { a: '1', b: '3' },
      files: { a: '2', b: '3' },
      conflicts: [],
    },
    {
      name: 'theirs deleted, ours untouched',
      base: { a: '1' },
      ours: { a: '1' },
      theirs: {},
      files: {},
      conflicts: [],
    },
    {
      name: 'theirs deleted, ours changed',
      base: { a: '1' },
      ours: { a: '2' },
      theirs: {},
      files: { a: '2' },
      conflicts: ['a'],
    },
    {
      name: 'both added differently',
      base: {},
      ours: { n: '1' },
      theirs: { n: '2' },
      files: { n: '1' },
      conflicts: ['n'],
    },
  ];
  it.each(cases)('$name', ({ base, ours, theirs, files, conflicts }) => {
    const result = threeWayMerge(flat(base), flat(ours), flat(theirs));
    expect(Object.fromEntries([...result.files].map(([p, e]) => [p, e.sha]))).toEqual(files);
    expect(result.conflicts).toEqual(conflicts);
  });
});

describe('diffTrees', () => {
  it('lists added, modified and removed paths in order', () => {
    expect(
      diffTrees(flat({ a: '1', b: '1', c: '1' }), flat({ a: '2', c: '1', d: '1' })).map((c) => [
        c.filename,
        c.status,
      ]),
    ).toEqual([
      ['a', 'modified'],
      ['b', 'removed'],
      ['d', 'added'],
    ]);
  });
});
