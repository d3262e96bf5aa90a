import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ProbotOctokit } from 'probot';
import type { Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ApprovalQueue } from '../../../src/approvals/approval-queue.ts';
import { StoreApprovalRepository } from '../../../src/approvals/store-approval-repository.ts';
import { ExperienceStore } from '../../../src/store/experience-store.ts';
import {
  createWorkflowEngine,
  type WorkflowEngine,
} from '../../../src/workflow/workflow-engine.ts';
import { startHarness, tickUntilDone, type Harness } from './workflow-harness.ts';

/**
 * A second engine on the harness's data dir with its own store handle, queue and locks, as another
 * KO process would have. Its audit records stay in memory: the audit log has one writer per data dir.
 */
async function secondEngine(h: Harness, logger: Logger) {
  const store = await ExperienceStore.open({ dataDir: h.dataDir, logger, fsync: false });
  const audit = { append: async (input: unknown) => void input };
  const engine = createWorkflowEngine({
    store,
    audit,
    logger,
    approvals: new ApprovalQueue({ repository: new StoreApprovalRepository(store), logger }),
    retry: { retries: 4, baseMs: 20, maxWaitMs: 5_000 },
    octokitFor: async (installationId) => {
      const octokit = new ProbotOctokit({
        auth: { appId: h.sandbox.appId, privateKey: h.sandbox.privateKeyPem, installationId },
        baseUrl: h.sandbox.apiUrl,
        throttle: { enabled: false },
        retry: { enabled: false },
      });
      octokit.hook.after('request', (_response, request) => {
        if (request.method !== 'GET') h.writes.push(`${request.method} ${request.url}`);
      });
      return octokit;
    },
  });
  return engine;
}

describe('two engines on one data dir (as two KO processes on one host)', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('simultaneous starts and ticks from both make one run, one PR, one merge, each step once', async () => {
    h = await startHarness();
    const first = await h.startEngine();
    const engines: WorkflowEngine[] = [first.engine, await secondEngine(h, first.logger)];
    const request = {
      installationId: h.installationId,
      ...h.repo,
      requestedBy: 'alice',
      apply: true,
    };
    const runs = await Promise.all(
      engines.flatMap((engine) =>
        (['comment', 'label'] as const).map((trigger) =>
          engine.startSynthetic({ ...request, trigger }),
        ),
      ),
    );
    expect(new Set(runs.map((r) => r.id)).size).toBe(1);
    const id = runs[0]?.id ?? '';
    const done = await Promise.all(engines.map((engine) => tickUntilDone(engine, id)));
    expect(done.map((run) => run.state)).toEqual(['merged', 'merged']);
    expect(h.writes.filter((w) => w === 'POST /repos/{owner}/{repo}/pulls')).toHaveLength(1);
    expect(h.writes.filter((w) => w.endsWith('/merge'))).toHaveLength(1);
    // A second advancer re-reads the run under the run lock and finds the step done.
    const steps = (await first.engine.get(id))?.history
      .filter((e) => e.status !== 'waiting')
      .map((e) => e.step);
    expect(steps).toEqual(['plan', 'branch', 'pr', 'checks', 'gate', 'merge', 'record']);
    // Every lock was released: no lock folder is left behind.
    const left = await Promise.all(
      ['run', 'pr', 'start'].map((name) => readdir(join(h.dataDir, 'locks', name)).catch(() => [])),
    );
    expect(left.flat()).toEqual([]);
  });
});
