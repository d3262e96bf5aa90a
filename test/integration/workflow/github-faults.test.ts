import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { koYml, startHarness, tickUntilDone, type Harness } from './workflow-harness.ts';

const NO_APPROVAL = koYml({ approval: { required: false } });

describe('workflow failure paths: GitHub answers badly', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  const start = (h: Harness, engine: Awaited<ReturnType<Harness['startEngine']>>['engine']) =>
    engine.startSynthetic({
      installationId: h.installationId,
      ...h.repo,
      trigger: 'comment',
      requestedBy: 'alice',
      apply: true,
    });

  it('a merge conflict (405 from merge) ends the run as conflict, with the reason', async () => {
    h = await startHarness({ config: NO_APPROVAL });
    const { engine } = await h.startEngine();
    h.sandbox.as('alice').openPullRequest('acme/widgets', {
      head: 'docs',
      title: 'Docs',
      files: { 'README.md': '# widgets, by alice\n' },
    });
    h.sandbox.as('bob').pushCommit('acme/widgets', {
      branch: 'main',
      files: { 'README.md': '# widgets, by bob\n' },
    });
    const started = await engine.requestMerge({
      installationId: h.installationId,
      ...h.repo,
      pr: 1,
      requestedBy: 'alice',
      apply: true,
    });
    const run = await tickUntilDone(engine, started.id);
    expect(run.state).toBe('conflict');
    expect(run.reason).toMatch(/GitHub refused the merge \(405\).*dirty/);
    expect(h.sandbox.getPullRequest('acme/widgets', 1).merged).toBe(false);
  });

  it('a 5xx storm is retried with backoff; a longer one parks the step until the next tick; one PR, one merge', async () => {
    h = await startHarness();
    const { engine } = await h.startEngine();
    h.sandbox.serverErrors(3);
    // 12 failures of PR creation: more than one call's 5 attempts, twice over.
    h.sandbox.serverErrors(12, { match: /^POST \/repos\/acme\/widgets\/pulls$/ });
    const started = await start(h, engine);
    expect(started.step).toBe('pr');
    expect(started.last_error).toMatch(/^GITHUB_UNAVAILABLE/);
    const run = await tickUntilDone(engine, started.id);
    expect(run.state).toBe('merged');
    expect(h.sandbox.faultsPending().requests).toBe(0);
    expect(h.writes.filter((w) => /POST .*\/pulls$/.test(w))).toHaveLength(1);
    expect(h.writes.filter((w) => w.endsWith('/merge'))).toHaveLength(1);
    const log = await readFile(h.logFile, 'utf8');
    expect(log).toContain('"event":"github.retry"');
    expect(log).toContain('"event":"workflow.transient"');
  });

  it('a rate limit is waited out until its reset; a long one parks the run until then', async () => {
    h = await startHarness();
    let offsetMs = 0;
    const { engine } = await h.startEngine({ now: () => new Date(Date.now() + offsetMs) });
    h.sandbox.rateLimit(1, {
      resetInSeconds: 1,
      match: /^POST \/repos\/acme\/widgets\/git\/blobs$/,
    });
    h.sandbox.rateLimit(1, { resetInSeconds: 600, match: /^POST \/repos\/acme\/widgets\/pulls$/ });
    const started = await start(h, engine);
    expect(started.step).toBe('pr');
    expect(started.last_error).toMatch(/^GITHUB_RATE_LIMITED/);
    expect(started.not_before).toBeDefined();
    await engine.tick();
    expect((await engine.get(started.id))?.step).toBe('pr'); // not before the reset
    offsetMs = 11 * 60_000;
    const run = await tickUntilDone(engine, started.id);
    expect(run.state).toBe('merged');
    expect(h.writes.filter((w) => /POST .*\/pulls$/.test(w))).toHaveLength(1);
    const log = await readFile(h.logFile, 'utf8');
    expect(log).toContain('"event":"github.rate_limited"');
  });
});
