import type { SandboxContext } from '../context.ts';
import { combinedState, latestRuns, latestStatuses } from '../repo-query.ts';
import type { AppState, CheckRunState, CheckSuiteState, RepoState, StatusState } from '../state.ts';
import { integration } from './app.ts';
import { nodeId } from './node-id.ts';
import { fullRepository } from './repository.ts';
import { simpleUser } from './user.ts';

function appOf(sb: SandboxContext, appId: number): AppState {
  return appId === sb.state.ciApp.id ? sb.state.ciApp : sb.state.app;
}

/** The open pull requests whose head is `sha`, in the short form check payloads carry. */
function pullRefsFor(sb: SandboxContext, repo: RepoState, sha: string): Record<string, unknown>[] {
  const full = `${repo.owner}/${repo.name}`;
  const repoRef = { id: repo.id, url: `${sb.apiUrl}/repos/${full}`, name: repo.name };
  return Object.values(repo.issues)
    .filter((i) => i.pull && i.state === 'open' && i.pull.headSha === sha)
    .map((i) => ({
      id: i.pull?.id,
      number: i.number,
      url: `${sb.apiUrl}/repos/${full}/pulls/${i.number}`,
      head: { ref: i.pull?.headRef, sha, repo: repoRef },
      base: {
        ref: i.pull?.baseRef,
        sha: repo.refs[`refs/heads/${i.pull?.baseRef}`] ?? sha,
        repo: repoRef,
      },
    }));
}

/** A suite's status and conclusion, derived from its runs as GitHub does. */
export function suiteProgress(
  repo: RepoState,
  suite: CheckSuiteState,
): { status: string; conclusion: string | null; runs: CheckRunState[] } {
  const runs = Object.values(repo.checkRuns).filter((r) => r.suiteId === suite.id);
  if (runs.length === 0) return { status: 'queued', conclusion: null, runs };
  if (runs.some((r) => r.status !== 'completed'))
    return {
      status: runs.some((r) => r.status === 'in_progress') ? 'in_progress' : 'queued',
      conclusion: null,
      runs,
    };
  const order = [
    'action_required',
    'cancelled',
    'timed_out',
    'failure',
    'stale',
    'neutral',
    'skipped',
    'success',
  ];
  const worst =
    runs
      .map((r) => r.conclusion ?? 'success')
      .sort((a, b) => order.indexOf(a) - order.indexOf(b))[0] ?? 'success';
  return { status: 'completed', conclusion: worst === 'skipped' ? 'success' : worst, runs };
}

/** GitHub's `check-suite`. */
export function checkSuite(
  sb: SandboxContext,
  repo: RepoState,
  suite: CheckSuiteState,
): Record<string, unknown> {
  const progress = suiteProgress(repo, suite);
  const full = `${repo.owner}/${repo.name}`;
  const commit = repo.objects[suite.headSha];
  const headCommit =
    commit?.type === 'commit'
      ? {
          id: commit.sha,
          tree_id: commit.tree,
          message: commit.message,
          timestamp: commit.committer.date,
          author: { name: commit.author.name, email: commit.author.email },
          committer: { name: commit.committer.name, email: commit.committer.email },
        }
      : null;
  return {
    id: suite.id,
    node_id: nodeId('CS', suite.id),
    head_branch: suite.headBranch,
    head_sha: suite.headSha,
    status: progress.status,
    conclusion: progress.conclusion,
    url: `${sb.apiUrl}/repos/${full}/check-suites/${suite.id}`,
    before: suite.before,
    after: suite.headSha,
    pull_requests: pullRefsFor(sb, repo, suite.headSha),
    app: integration(sb, appOf(sb, suite.appId)),
    repository: fullRepository(sb, repo),
    created_at: suite.createdAt,
    updated_at: suite.updatedAt,
    head_commit: headCommit,
    latest_check_runs_count: progress.runs.length,
    check_runs_url: `${sb.apiUrl}/repos/${full}/check-suites/${suite.id}/check-runs`,
    rerequestable: true,
    runs_rerequestable: true,
  };
}

/** GitHub's `check-run`. */
export function checkRun(
  sb: SandboxContext,
  repo: RepoState,
  run: CheckRunState,
): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`;
  return {
    id: run.id,
    head_sha: run.headSha,
    node_id: nodeId('CR', run.id),
    external_id: run.externalId ?? '',
    url: `${sb.apiUrl}/repos/${full}/check-runs/${run.id}`,
    html_url: `${sb.webUrl}/${full}/runs/${run.id}`,
    details_url: run.detailsUrl ?? `${sb.webUrl}/${full}/runs/${run.id}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: 0,
      annotations_url: `${sb.apiUrl}/repos/${full}/check-runs/${run.id}/annotations`,
    },
    name: run.name,
    check_suite: { id: run.suiteId },
    app: integration(sb, appOf(sb, run.appId)),
    pull_requests: pullRefsFor(sb, repo, run.headSha),
    actions: run.actions,
  };
}

/** GitHub's `status`. */
export function commitStatus(
  sb: SandboxContext,
  repo: RepoState,
  s: StatusState,
): Record<string, unknown> {
  return {
    url: `${sb.apiUrl}/repos/${repo.owner}/${repo.name}/statuses/${s.sha}`,
    avatar_url: `${sb.webUrl}/avatars/u/${sb.state.accounts[s.creator]?.id ?? 0}?v=4`,
    id: s.id,
    node_id: nodeId('SC', s.id),
    state: s.state,
    description: s.description,
    target_url: s.targetUrl,
    context: s.context,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    creator: simpleUser(sb, s.creator),
  };
}

/** GitHub's `combined-commit-status` for a commit. */
export function combinedStatus(
  sb: SandboxContext,
  repo: RepoState,
  sha: string,
): Record<string, unknown> {
  const statuses = latestStatuses(repo, sha);
  const full = `${repo.owner}/${repo.name}`;
  const repoShape = fullRepository(sb, repo);
  return {
    state: combinedState(statuses),
    statuses: statuses.map((s) => {
      const { creator: _c, ...simple } = commitStatus(sb, repo, s);
      return { ...simple, required: repo.requiredChecks.includes(s.context) };
    }),
    sha,
    total_count: statuses.length,
    repository: repoShape,
    commit_url: `${sb.apiUrl}/repos/${full}/commits/${sha}`,
    url: `${sb.apiUrl}/repos/${full}/commits/${sha}/status`,
  };
}

/** The newest check runs of a commit (used by the list endpoint's default `filter=latest`). */
export function latestCheckRuns(repo: RepoState, sha: string): CheckRunState[] {
  return latestRuns(repo, sha);
}
