// Every request KO sends to GitHub during a representative flow (status, exec through a real
// runner, the synthetic workflow, merge through the ko/gate buttons, rollback with an Abort) fits
// GitHub's published OpenAPI description: the operation exists, its query parameters are
// documented, and its body fits the operation's request body schema.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckRunState, IssueState } from '../../../src/sandbox/state.ts';
import { requirePwsh, type RunnerProcess } from '../runner/runner-fixture.ts';
import {
  REPO,
  botComments,
  reactionsOf,
  repliesAfter,
  startStack,
  until,
  type Stack,
  attachRunner,
} from './github-fixture.ts';
import { OpenApiRequestValidator, recordingOctokit, type SentRequest } from './openapi-requests.ts';

const CONFIG = [
  'mode: apply',
  'approval:',
  '  required: true',
  '  auto_approve_synthetic: true',
  'checks:',
  '  required: [build]',
  'exec:',
  '  allowed_runner_labels: [ps7]',
  '',
].join('\n');

/** Operations the flow below must reach (more may appear; each one is validated). */
const EXPECTED = [
  'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
  'GET /repos/{owner}/{repo}/contents/{path}',
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
  'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
  'GET /repos/{owner}/{repo}/pulls/{pull_number}',
  'POST /repos/{owner}/{repo}/check-runs',
  'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
  'GET /repos/{owner}/{repo}/commits/{ref}/check-runs',
  'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge',
  'POST /graphql',
  'POST /repos/{owner}/{repo}/git/blobs',
  'POST /repos/{owner}/{repo}/git/trees',
  'POST /repos/{owner}/{repo}/git/commits',
  'POST /repos/{owner}/{repo}/git/refs',
  'POST /repos/{owner}/{repo}/pulls',
  'DELETE /repos/{owner}/{repo}/git/refs/{ref}',
];

const sent: SentRequest[] = [];
// Loading and compiling the description takes seconds: one for both tests.
const validator = new OpenApiRequestValidator();
let stack: Stack;
let runner: RunnerProcess;

beforeAll(async () => {
  requirePwsh();
  stack = await startStack(
    { Octokit: recordingOctokit(sent), tickIntervalMs: 500, execWaitMs: 50_000 },
    { koYml: CONFIG, ci: true },
  );
  stack.sandbox.setPermission(REPO, 'carol', 'admin');
  runner = await attachRunner(stack);
}, 90_000);

afterAll(async () => {
  await runner?.stop();
  await stack?.stop();
});

async function ask(login: string, pr: number, body: string): Promise<number> {
  const id = stack.sandbox.as(login).comment(REPO, pr, body);
  await until(() => reactionsOf(stack, id).length > 1, 45_000);
  return id;
}

/** The ko/gate check run on `pr`'s head once it shows Proceed/Abort. */
function gate(pr: number): CheckRunState | undefined {
  const head = (stack.sandbox.getPullRequest(REPO, pr).head as { sha: string }).sha;
  return Object.values(stack.sandbox.state.repos[REPO]?.checkRuns ?? {}).find(
    (r) => r.name === 'ko/gate' && r.headSha === head && r.actions.length > 0,
  );
}

function press(run: CheckRunState, button: 'proceed' | 'abort', user: string): void {
  const action = run.actions.find((a) => a.identifier.startsWith(`${button}:`));
  stack.sandbox.clickCheckRunAction(run.id, action?.identifier ?? '', user);
}

describe('what KO sends to GitHub', () => {
  it('fits the published OpenAPI description, request by request', async () => {
    await ask('bob', 1, '/ko status');
    await ask('bob', 1, '/ko mrege');

    const exec = await ask('bob', 1, '/ko exec Write-Output "schema check"');
    await until(
      () => repliesAfter(stack, exec).find((c) => c.body.startsWith('### KO job `')),
      55_000,
    );

    await ask('alice', 1, '/ko synthetic');
    await until(
      () =>
        Object.values(stack.sandbox.state.repos[REPO]?.issues ?? {}).find(
          (i: IssueState) => i.pull?.headRef.startsWith('ko/synthetic-') && i.pull.mergedAt,
        ),
      45_000,
    );

    await ask('alice', 1, '/ko merge');
    press(await until(() => gate(1), 45_000), 'proceed', 'carol');
    await until(() => stack.sandbox.getPullRequest(REPO, 1).merged === true, 45_000);

    await ask('alice', 1, '/ko rollback');
    const revert = await until(
      () =>
        Object.values(stack.sandbox.state.repos[REPO]?.issues ?? {}).find(
          (i: IssueState) => i.pull?.headRef.startsWith('revert-1-') === true,
        ),
      45_000,
    );
    press(await until(() => gate(revert.number), 45_000), 'abort', 'bob');
    await until(
      () => botComments(stack, revert.number).find((c) => c.body.includes('was aborted by @bob')),
      45_000,
    );

    const problems = sent.flatMap((request) => validator.check(request));
    expect(problems).toEqual([]);
    const covered = [...new Set(sent.map((r) => validator.operationOf(r) ?? '?'))].sort();
    expect(covered).toEqual(expect.arrayContaining(EXPECTED));
    // The list, for whoever reads the test output: every operation whose requests were checked.
    console.info(
      `${sent.length} requests over ${covered.length} operations:\n${covered.join('\n')}`,
    );
  }, 240_000);

  it('the check is not vacuous: a wrong body, an unknown field or query parameter, an unknown route fail', () => {
    const checkRun = {
      method: 'POST',
      route: '/repos/{owner}/{repo}/check-runs',
      path: '/repos/a/b/check-runs',
    };
    expect(
      validator.check({
        ...checkRun,
        body: { name: 'ko/gate', head_sha: 'abc', status: 'in_progress' },
      }),
    ).toEqual([]);
    expect(
      validator.check({ ...checkRun, body: { name: 'ko/gate', head_sha: 'abc', status: 'done' } }),
    ).not.toEqual([]);
    expect(validator.check({ ...checkRun, body: { head_sha: 'abc' } })).not.toEqual([]);
    expect(
      validator.check({ ...checkRun, body: { name: 'ko/gate', head_sha: 'abc', colour: 'red' } }),
    ).toEqual(['POST /repos/{owner}/{repo}/check-runs: body field "colour" is not documented']);
    expect(
      validator.check({
        method: 'GET',
        route: '/repos/{owner}/{repo}/pulls',
        path: '/repos/a/b/pulls?sort_by=x',
        body: undefined,
      }),
    ).toEqual(['GET /repos/{owner}/{repo}/pulls: query parameter "sort_by" is not documented']);
    expect(
      validator.check({
        method: 'POST',
        route: '/repos/a/b/nope',
        path: '/repos/a/b/nope',
        body: {},
      }),
    ).toEqual(["POST /repos/a/b/nope: no such operation in GitHub's OpenAPI description"]);
    expect(
      validator.check({ method: 'POST', route: '/graphql', path: '/graphql', body: { query: 1 } }),
    ).not.toEqual([]);
  });
});
