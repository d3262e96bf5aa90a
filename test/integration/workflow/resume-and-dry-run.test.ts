import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkflowRun } from '../../../src/workflow/workflow-types.ts';
import { koYml, startHarness, tickUntilDone, type Harness } from './workflow-harness.ts';

/** The sandbox's repositories and deliveries, as a snapshot file holds them. */
async function sandboxState(h: Harness): Promise<{ repos: unknown; deliveries: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'ko-snap-'));
  try {
    await h.sandbox.saveSnapshot(join(dir, 'state.json'));
    const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as {
      repos: Record<string, unknown>;
      deliveries: unknown[];
    };
    return { repos: state.repos, deliveries: state.deliveries.length };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('workflow: restart mid-flow, duplicate hints, dry-run', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('an engine dropped while waiting for checks is resumed by a new one on the same store: one PR, one merge', async () => {
    // The CI reports a commit status that never completes; the test completes it after the restart.
    h = await startHarness({ ci: [{ name: 'build', outcome: 'never', kind: 'status' }] });
    const first = await h.startEngine();
    const started = await first.engine.startSynthetic({
      installationId: h.installationId,
      ...h.repo,
      trigger: 'cron',
      requestedBy: 'ko[bot]',
      apply: true,
    });
    expect(started.state).toBe('waiting_checks');
    await first.close();

    const second = await h.startEngine();
    // Crash after the PR was created but before that was recorded: the resumed run must find it.
    await second.store.update((data) => {
      const run = data.workflows[started.id] as WorkflowRun;
      Object.assign(run, { step: 'pr', state: 'running' });
      delete run.pr;
    });
    const resumed = await second.engine.resumeAll();
    expect(resumed.map((r) => [r.id, r.state, r.pr])).toEqual([[started.id, 'waiting_checks', 1]]);
    await fetch(`${h.sandbox.apiUrl}/repos/acme/widgets/statuses/${started.head_sha ?? ''}`, {
      method: 'POST',
      headers: {
        authorization: `token ${await installationToken(h)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ state: 'success', context: 'build' }),
    });
    // Duplicate and concurrent hints (a redelivered webhook) next to the reconciling tick.
    const hint = { ...h.repo, headSha: started.head_sha ?? '' };
    await Promise.all([
      second.engine.onChecksChanged(hint),
      second.engine.onChecksChanged(hint),
      second.engine.tick(),
    ]);
    const run = await tickUntilDone(second.engine, started.id);
    expect(run.state).toBe('merged');

    // Crash after the merge but before it was recorded: resuming records it, never merges twice.
    await second.store.update((data) => {
      const stored = data.workflows[started.id] as WorkflowRun;
      Object.assign(stored, { step: 'merge', state: 'running' });
      delete stored.finished_at;
    });
    const again = await tickUntilDone(second.engine, started.id);
    expect(again.state).toBe('merged');
    expect(h.writes.filter((w) => /POST .*\/pulls$/.test(w))).toHaveLength(1);
    expect(h.writes.filter((w) => w.endsWith('/merge'))).toHaveLength(1);
    expect(h.writes.filter((w) => w.endsWith('/git/refs'))).toHaveLength(1);
    const history = (await second.store.read()).runs.filter((r) => r.id === started.id);
    expect(history).toHaveLength(1);
  });

  it('dry-run plans every step, lists the GitHub calls, and writes nothing to GitHub', async () => {
    h = await startHarness({ config: koYml({ mode: 'dry-run' }) });
    const { engine } = await h.startEngine();
    const before = await sandboxState(h);
    expect(Object.keys(before.repos as object)).toEqual(['acme/widgets']);
    const run = await engine.startSynthetic({
      installationId: h.installationId,
      ...h.repo,
      trigger: 'comment',
      requestedBy: 'alice',
      apply: false,
    });
    expect(run.state).toBe('planned');
    expect(run.plan?.map((c) => c.step)).toEqual(
      expect.arrayContaining(['branch', 'pr', 'checks', 'gate', 'merge']),
    );
    expect(run.plan?.map((c) => c.call)).toContain('POST /repos/acme/widgets/pulls');
    // Only the installation token was asked for; no repository was written.
    expect(h.writes.filter((w) => w.includes('/repos/'))).toEqual([]);
    await engine.tick();
    await h.sandbox.idle();
    expect(await sandboxState(h)).toEqual(before);
    const pulls = await engine.status({ ...h.repo, pr: 1 });
    expect(pulls).toContain('No workflow has run on this PR.');
  });
});

async function installationToken(h: Harness): Promise<string> {
  const { ProbotOctokit } = await import('probot');
  const app = new ProbotOctokit({
    auth: { appId: h.sandbox.appId, privateKey: h.sandbox.privateKeyPem },
    baseUrl: h.sandbox.apiUrl,
  });
  const { data } = await app.rest.apps.createInstallationAccessToken({
    installation_id: h.installationId,
  });
  return data.token;
}
