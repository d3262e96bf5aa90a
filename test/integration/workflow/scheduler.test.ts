import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadRepoConfig } from '../../../src/config/repo-config/load-repo-config.ts';
import { startWorkflowScheduler } from '../../../src/workflow/scheduler.ts';

describe('startWorkflowScheduler', () => {
  it('runs the synthetic cron only for enabled repos, reconciles on its timer, and stop waits for started work', async () => {
    const every = (enabled: boolean) => {
      const config = loadRepoConfig(enabled ? 'synthetic:\n  enabled: true\n' : null);
      // Every second (croner's six-field form) to keep the test short.
      return { ...config, synthetic: { ...config.synthetic, cron: '* * * * * *' } };
    };
    const started: string[] = [];
    let ticks = 0;
    let finished = 0;
    const scheduler = startWorkflowScheduler({
      repos: [
        { installationId: 1, owner: 'acme', repo: 'on', config: every(true) },
        { installationId: 1, owner: 'acme', repo: 'off', config: every(false) },
      ],
      reconcileEveryMs: 50,
      logger: pino({ level: 'silent' }),
      startSynthetic: async (repo) => {
        started.push(repo.repo);
        await new Promise((resolve) => setTimeout(resolve, 300));
        finished += 1;
      },
      tick: async () => {
        ticks += 1;
      },
    });
    const deadline = Date.now() + 5_000;
    while (started.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await scheduler.stop();
    expect(started.length).toBeGreaterThan(0);
    expect(new Set(started)).toEqual(new Set(['on']));
    expect(finished).toBe(started.length);
    expect(ticks).toBeGreaterThan(0);
    const after = ticks;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ticks).toBe(after);
  });
});
