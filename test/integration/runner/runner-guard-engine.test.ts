// The runner's default guard parses every command with PowerShell's own parser as well as the
// TypeScript one (issue 4: "On the runner, parse with PowerShell's own parser"); the stricter
// verdict wins. Real ko-runner process, real PowerShell 7.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Job } from '../../../src/hub/job-types.ts';
import { startHub, type HubFixture } from '../hub/hub-fixture.ts';
import { requirePwsh, spawnRunner, type RunnerProcess } from './runner-fixture.ts';

let f: HubFixture;
let work: string;
let runner: RunnerProcess;

async function run(script: string): Promise<Job> {
  const res = await f.api('/ko/v1/jobs', {
    method: 'POST',
    body: JSON.stringify({ labels: ['guarded'], script }),
  });
  expect(res.status).toBe(201);
  const { job } = (await res.json()) as { job: Job };
  const done = await f.hub.waitForJob(job.id, 55_000);
  if (!done || !['completed', 'rejected'].includes(done.state)) {
    throw new Error(`job did not finish: ${JSON.stringify(done)}\n${runner.logs().slice(-3000)}`);
  }
  return done;
}

function guardLine(jobId: string): string | undefined {
  return runner
    .logs()
    .split('\n')
    .find((line) => line.includes('"guard decision"') && line.includes(`"job_id":"${jobId}"`));
}

beforeAll(async () => {
  requirePwsh();
  work = mkdtempSync(join(tmpdir(), 'ko-runner-guard-engine-'));
  const root = join(work, 'repo');
  mkdirSync(root, { recursive: true });
  f = await startHub({ dataDir: join(work, 'hub') });
  runner = spawnRunner({
    url: f.url,
    token: await f.token('guarded-runner', ['guarded']),
    root,
    dataDir: join(work, 'runner'),
    extra: ['--guard-engine', 'both'],
  });
  await vi.waitFor(() => expect(f.hub.runners()).toHaveLength(1), {
    timeout: 45_000,
    interval: 200,
  });
}, 60_000);

afterAll(async () => {
  await runner?.stop();
  await f?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('runner guard with both parsers', () => {
  it('lets an allow-listed command through after PowerShell parsed it too', async () => {
    const job = await run('Get-ChildItem -Name');
    expect(job.state).toBe('completed');
    expect(job.result?.status).toBe('dry_run');
    expect(guardLine(job.id)).toContain('"engine":"both"');
  });

  it('sends a command that is not allow-listed for approval, through both parsers', async () => {
    const job = await run('Set-Content -Path x.txt -Value y');
    expect(job).toMatchObject({ state: 'rejected', reason: { code: 'GUARD_APPROVAL_REQUIRED' } });
    expect(guardLine(job.id)).toContain('"engine":"both"');
  });

  it('denies a destructive command on the TypeScript verdict alone (deny is already final)', async () => {
    const job = await run('Remove-Item -Recurse -Force ./src');
    expect(job).toMatchObject({ state: 'rejected', reason: { code: 'GUARD_DENIED' } });
    expect(guardLine(job.id)).toContain('"engine":"ts"');
  });
});
