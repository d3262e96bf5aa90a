import { describe, expect, it } from 'vitest';
import { computeMergeability } from '../../../src/sandbox/actions/mergeability.ts';
import { buildTree, writeBlob, writeCommit } from '../../../src/sandbox/git-objects.ts';
import type {
  CheckRunState,
  IssueState,
  PullExtra,
  RepoState,
  StatusState,
} from '../../../src/sandbox/state.ts';

const sig = { name: 'a', email: 'a@x.io', date: '2024-01-01T00:00:00Z' };

/** main: README=base; head branch changes `headFile`; main then changes `mainFile`. */
function scenario(
  headFile: string,
  mainFile: string | null,
): { repo: RepoState; issue: IssueState; pull: PullExtra } {
  const repo: RepoState = {
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
  const file = (text: string): { mode: string; sha: string } => ({
    mode: '100644',
    sha: writeBlob(repo, Buffer.from(text)).sha,
  });
  const commit = (files: Record<string, string>, parents: string[]): string =>
    writeCommit(repo, {
      tree: buildTree(repo, new Map(Object.entries(files).map(([p, t]) => [p, file(t)]))),
      parents,
      message: 'm',
      author: sig,
    }).sha;
  const root = commit({ 'README.md': 'base', 'b.txt': 'b' }, []);
  const head = commit({ 'README.md': 'base', 'b.txt': 'b', [headFile]: 'head' }, [root]);
  repo.refs['refs/heads/main'] = mainFile
    ? commit({ 'README.md': 'base', 'b.txt': 'b', [mainFile]: 'main' }, [root])
    : root;
  const pull: PullExtra = {
    id: 2,
    headRef: 'f',
    headSha: head,
    baseRef: 'main',
    draft: false,
    mergedAt: null,
    mergeCommitSha: null,
    mergedBy: null,
  };
  const issue: IssueState = {
    number: 1,
    id: 3,
    title: 't',
    body: null,
    user: 'u',
    state: 'open',
    labels: [],
    createdAt: '',
    updatedAt: '',
    closedAt: null,
    pull,
  };
  return { repo, issue, pull };
}

let nextRunId = 1;

function run(
  name: string,
  headSha: string,
  status: CheckRunState['status'],
  conclusion: string | null,
): CheckRunState {
  return {
    id: nextRunId++,
    suiteId: 1,
    appId: 9,
    name,
    headSha,
    status,
    conclusion,
    startedAt: '',
    completedAt: null,
    output: { title: null, summary: null, text: null },
    actions: [],
    detailsUrl: null,
    externalId: null,
  };
}

function status(context: string, sha: string, state: StatusState['state']): StatusState {
  return {
    id: 1,
    sha,
    state,
    context,
    description: null,
    targetUrl: null,
    creator: 'ci',
    createdAt: '',
    updatedAt: '',
  };
}

describe('computeMergeability', () => {
  const cases: {
    name: string;
    headFile: string;
    mainFile: string | null;
    setup?: (s: ReturnType<typeof scenario>) => void;
    expected: [boolean | null, string];
  }[] = [
    {
      name: 'nothing else happened',
      headFile: 'README.md',
      mainFile: null,
      expected: [true, 'clean'],
    },
    {
      name: 'main changed another file',
      headFile: 'README.md',
      mainFile: 'b.txt',
      expected: [true, 'clean'],
    },
    {
      name: 'main changed the same file',
      headFile: 'README.md',
      mainFile: 'README.md',
      expected: [false, 'dirty'],
    },
    {
      name: 'draft',
      headFile: 'README.md',
      mainFile: null,
      setup: (s) => (s.pull.draft = true),
      expected: [true, 'draft'],
    },
    {
      name: 'closed',
      headFile: 'README.md',
      mainFile: null,
      setup: (s) => (s.issue.state = 'closed'),
      expected: [null, 'unknown'],
    },
    {
      name: 'required check missing',
      headFile: 'README.md',
      mainFile: null,
      setup: (s) => (s.repo.requiredChecks = ['build']),
      expected: [true, 'blocked'],
    },
    {
      name: 'required check pending',
      headFile: 'README.md',
      mainFile: null,
      setup: (s) => {
        s.repo.requiredChecks = ['build'];
        s.repo.checkRuns['1'] = run('build', s.pull.headSha, 'in_progress', null);
      },
      expected: [true, 'blocked'],
    },
    {
      name: 'required status green, other check failed',
      headFile: 'README.md',
      mainFile: null,
      setup: (s) => {
        s.repo.requiredChecks = ['build'];
        s.repo.statuses.push(status('build', s.pull.headSha, 'success'));
        s.repo.checkRuns['2'] = run('lint', s.pull.headSha, 'completed', 'failure');
      },
      expected: [true, 'unstable'],
    },
    {
      name: 'required check skipped counts as passed',
      headFile: 'README.md',
      mainFile: null,
      setup: (s) => {
        s.repo.requiredChecks = ['build'];
        s.repo.checkRuns['3'] = run('build', s.pull.headSha, 'completed', 'skipped');
      },
      expected: [true, 'clean'],
    },
  ];
  it.each(cases)('$name', ({ headFile, mainFile, setup, expected }) => {
    const s = scenario(headFile, mainFile);
    setup?.(s);
    const m = computeMergeability(s.repo, s.issue, s.pull);
    expect([m.mergeable, m.state]).toEqual(expected);
  });
});
