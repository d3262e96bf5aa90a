import { Probot } from 'probot';
import { afterEach, describe, expect, it } from 'vitest';
import { appIdOf } from '../../../src/workflow/read-checks.ts';
import { koYml, startHarness, tickUntilDone, type Harness } from './workflow-harness.ts';

const start = (h: Harness) =>
  h.startEngine().then(({ engine }) =>
    engine
      .startSynthetic({
        installationId: h.installationId,
        ...h.repo,
        trigger: 'comment',
        requestedBy: 'alice',
        apply: true,
      })
      .then((run) => ({ engine, run })),
  );

describe('check suites in the checks step', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('with no required checks, a CI suite that is queued without runs is waited for (not an empty pass); KO’s own suite is not', async () => {
    h = await startHarness({
      config: koYml({ checks: { required: [], timeout_minutes: 5 } }),
      ci: [{ name: 'build', outcome: 'success', delayMs: 100, queuedMs: 1_000 }],
    });
    const { engine, run: started } = await start(h);
    const run = await tickUntilDone(engine, started.id);
    expect(run.state).toBe('merged');
    const details = run.history.map((e) => e.detail);
    expect(details).toContain('waiting for checks: app:sandbox-ci');
    expect(details.find((d) => d.startsWith('checks passed'))).toMatch(
      /checks passed on \w+: build$/,
    );
  });

  it('a required app (`app:<slug>`) whose suite completes with a failure fails the run, naming the app', async () => {
    h = await startHarness({
      config: koYml({ checks: { required: ['app:sandbox-ci'], timeout_minutes: 5 } }),
      ci: [{ name: 'lint', outcome: 'failure', delayMs: 100, queuedMs: 300 }],
    });
    const { engine, run: started } = await start(h);
    const run = await tickUntilDone(engine, started.id);
    expect(run.state).toBe('failed');
    expect(run.reason).toBe('required check failed: app:sandbox-ci');
    expect(h.writes.filter((w) => w.endsWith('/merge'))).toEqual([]);
  });

  it('knows KO’s own app id from Probot’s installation Octokit (app.auth)', async () => {
    h = await startHarness();
    const probot = new Probot({
      appId: h.sandbox.appId,
      privateKey: h.sandbox.privateKeyPem,
      baseUrl: h.sandbox.apiUrl,
      secret: 'unused',
    });
    const octokit = await probot.auth(h.installationId);
    expect(await appIdOf(octokit as Parameters<typeof appIdOf>[0])).toBe(h.sandbox.appId);
  });
});
