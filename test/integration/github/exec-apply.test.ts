// /ko exec in apply mode through a real ko-runner (--apply, PowerShell 7): a long result split
// into capped comments that link the whole output the hub keeps, an approval that a push to the
// PR voids, and /ko cancel of a running job.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GITHUB_COMMENT_LIMIT } from '../../../src/commands/split-comment.ts';
import { requirePwsh, type RunnerProcess } from '../runner/runner-fixture.ts';
import {
  REPO,
  reactionsOf,
  repliesAfter,
  startStack,
  until,
  type Stack,
  attachRunner,
} from './github-fixture.ts';

const OPERATOR_TOKEN = 'operator-token-for-exec-apply-test';
const MAX_PARTS = 3;
const KO_YML = `mode: apply\nexec:\n  allowed_runner_labels: [ps7]\ncomments:\n  max_parts: ${MAX_PARTS}\n`;
const LINES = 5_000;

let stack: Stack;
let runner: RunnerProcess;

beforeAll(async () => {
  requirePwsh();
  stack = await startStack(
    { execWaitMs: 50_000 },
    { koYml: KO_YML, env: { KO_OPERATOR_TOKEN: OPERATOR_TOKEN } },
  );
  runner = await attachRunner(stack, ['--apply']);
}, 90_000);

afterAll(async () => {
  await runner?.stop();
  await stack?.stop();
});

/** `until` for a probe that has to await. */
async function untilAsync(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Posts `/ko exec …` as alice (admin) and returns the job id from KO's first reply. */
async function exec(command: string): Promise<{ commentId: number; jobId: string }> {
  const commentId = stack.sandbox.as('alice').comment(REPO, 1, `/ko exec ${command}`);
  const queued = await until(() =>
    repliesAfter(stack, commentId).find((c) => c.body.startsWith('Job `')),
  );
  expect(queued.body).toContain('apply');
  return { commentId, jobId: /^Job `([^`]+)`/.exec(queued.body)?.[1] ?? '' };
}

describe('/ko exec in apply mode through a real runner', () => {
  it('splits ~400 KB of output into at most comments.max_parts comments; the last links the whole output', async () => {
    const { commentId, jobId } = await exec(
      `1..${LINES} | ForEach-Object { "line $_ " + ("x" * 70) }`,
    );
    const header = `### KO job \`${jobId}\``;
    // The parts are posted one after another: wait for the one that says it is the last.
    const parts = await until(() => {
      const replies = repliesAfter(stack, commentId);
      const first = replies.findIndex((c) => c.body.startsWith(header));
      if (first === -1) return undefined;
      const mine = replies.slice(first, first + MAX_PARTS);
      return mine.some((c) => c.body.startsWith(`_(continued ${MAX_PARTS}/${MAX_PARTS})_`))
        ? mine
        : undefined;
    }, 55_000);

    const job = await stack.app.hub!.getJob(jobId);
    expect(job?.state).toBe('completed');
    expect(job?.spec.apply).toBe(true);
    const stdoutBytes = job?.result?.streams.stdout.bytes ?? 0;
    expect(stdoutBytes).toBeGreaterThan(390_000);

    // The cap holds: nothing of this job after part MAX_PARTS.
    const later = repliesAfter(stack, parts.at(-1)!.id);
    expect(later.filter((c) => c.body.includes(jobId))).toEqual([]);
    expect(parts).toHaveLength(MAX_PARTS);
    for (const [i, part] of parts.entries()) {
      expect(part.body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
      if (i > 0) expect(part.body).toMatch(new RegExp(`^_\\(continued ${i + 1}/${MAX_PARTS}\\)_`));
    }
    // The first part says the output is longer than what is shown, and where it is.
    expect(parts[0]!.body).toContain(`Long output (${stdoutBytes} bytes of stdout`);
    const url = `http://127.0.0.1:${stack.app.port}/ko/v1/jobs/${jobId}/output`;
    expect(parts[0]!.body).toContain(`GET ${url}`);
    const last = parts.at(-1)!.body;
    expect(last).toContain(`Output cut: it needs more than ${MAX_PARTS} comments.`);
    const link = /\[Full output\]\(([^)]+)\)/.exec(last)?.[1];
    expect(link).toBe(url);
    expect(last).not.toContain('not kept');

    // The link, read with the operator token, gives the whole output.
    const response = await fetch(link!, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ko-output-complete')).toBe('true');
    const text = await response.text();
    expect(Buffer.byteLength(text)).toBe(stdoutBytes);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(LINES);
    expect(lines[0]).toBe(`line 1 ${'x'.repeat(70)}`);
    expect(lines.at(-1)).toBe(`line ${LINES} ${'x'.repeat(70)}`);
    expect((await fetch(link!)).status).toBe(401);
    expect(reactionsOf(stack, commentId)).toEqual(['eyes', 'rocket']);
  }, 90_000);

  it('an exec approval is bound to the PR head: after a push the same command needs a new one', async () => {
    const command = 'Set-Content -Path approved.txt -Value ok';
    const pendingId = async (): Promise<string | undefined> => {
      const asked = stack.sandbox.as('alice').comment(REPO, 1, `/ko exec ${command}`);
      const reply = await until(() =>
        repliesAfter(stack, asked).find((c) => /is pending|^Job `/.test(c.body)),
      );
      return /Approval `([^`]+)` is pending/.exec(reply.body)?.[1];
    };
    stack.sandbox.setPermission(REPO, 'carol', 'admin');
    const first = await pendingId();
    expect(first).toBeDefined();
    const approve = stack.sandbox.as('carol').comment(REPO, 1, `/ko approve ${first}`);
    await until(() => repliesAfter(stack, approve).find((c) => c.body.includes('was approved')));
    // Approved at this head: the same command is queued.
    expect(await pendingId()).toBeUndefined();

    stack.sandbox.as('alice').pushCommit(REPO, { branch: 'feature', files: { 'g.txt': 'g\n' } });
    const second = await pendingId();
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    const jobs = await stack.app.hub!.queue.list();
    expect(jobs.filter((j) => j.spec.script === command)).toHaveLength(1);
  }, 60_000);

  it('/ko cancel stops a running job, and its result comment says cancelled', async () => {
    const { jobId } = await exec('Start-Sleep 60');
    const hub = stack.app.hub!;
    await untilAsync(async () => (await hub.getJob(jobId))?.state === 'running', 30_000);

    const cancel = stack.sandbox.as('bob').comment(REPO, 1, `/ko cancel ${jobId}`);
    const answer = await until(() =>
      repliesAfter(stack, cancel).find((c) => c.body.startsWith(`Job \`${jobId}\` is`)),
    );
    await until(() => reactionsOf(stack, cancel).length > 1);
    expect(reactionsOf(stack, cancel)).toEqual(['eyes', 'rocket']);
    expect(answer.body).not.toContain('not a queued or running job');
    const result = await until(
      () => repliesAfter(stack, cancel).find((c) => c.body.startsWith(`### KO job \`${jobId}\`: `)),
      30_000,
    );
    expect(result.body).toContain('cancelled');
    const job = await hub.getJob(jobId);
    expect(job?.result?.status).toBe('cancelled');
    // Well before the 60 s sleep would have ended on its own.
    expect(Date.parse(job?.updated_at ?? '') - Date.parse(job?.created_at ?? '')).toBeLessThan(
      30_000,
    );
  }, 60_000);
});
