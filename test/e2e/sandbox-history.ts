// What the stand-in's state says happened to a repository: the default branch's history, the
// content of a root file at a commit, and the synthetic PRs. Read-only views for the e2e tests.
import type { GitHubSandbox } from '../../src/sandbox/index.ts';
import type { GitCommit, IssueState } from '../../src/sandbox/state.ts';

function repoState(sandbox: GitHubSandbox, repo: string) {
  const state = sandbox.state.repos[repo];
  if (state === undefined) throw new Error(`the stand-in has no repository ${repo}`);
  return state;
}

/** The default branch's commits along first parents, oldest first, without the seed commit. */
export function defaultBranchCommits(sandbox: GitHubSandbox, repo: string): GitCommit[] {
  const state = repoState(sandbox, repo);
  const commits: GitCommit[] = [];
  let sha: string | undefined = state.refs[`refs/heads/${state.defaultBranch}`];
  while (sha !== undefined) {
    const object = state.objects[sha];
    if (object?.type !== 'commit') break;
    commits.unshift(object);
    sha = object.parents[0];
  }
  return commits.slice(1);
}

/** A file at the repository root as of `commitSha` (undefined when absent). */
export function rootFileAt(
  sandbox: GitHubSandbox,
  repo: string,
  commitSha: string,
  path: string,
): string | undefined {
  const state = repoState(sandbox, repo);
  const commit = state.objects[commitSha];
  if (commit?.type !== 'commit') return undefined;
  const tree = state.objects[commit.tree];
  if (tree?.type !== 'tree') return undefined;
  const entry = tree.entries.find((e) => e.path === path);
  const blob = entry === undefined ? undefined : state.objects[entry.sha];
  return blob?.type === 'blob' ? Buffer.from(blob.content, 'base64').toString('utf8') : undefined;
}

/** The pull requests KO opened for synthetic runs (head `ko/synthetic-…`). */
export function syntheticPulls(sandbox: GitHubSandbox, repo: string): IssueState[] {
  return Object.values(repoState(sandbox, repo).issues).filter((issue) =>
    issue.pull?.headRef.startsWith('ko/synthetic-'),
  );
}

/** Polls `check` every 100 ms until it is true, or fails after `timeoutMs` saying what it waited for. */
export async function pollUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
