// A push of .github/ko.yml to the default branch reaches the real app through the stand-in and
// makes the scheduler re-read the config at once; other pushes do not.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppOnSandbox } from '../../../src/demo/start-app-on-sandbox.ts';
import { startGitHubSandbox, type GitHubSandbox } from '../../../src/sandbox/index.ts';
import type { StartedApp } from '../../../src/start-app.ts';
import { createLogger } from '../../../src/telemetry/logger.ts';
import { SECRET, until } from './github-fixture.ts';

const REPO = 'acme/app';
// A yearly cron: scheduled, yet never fires while the test runs.
const YEARLY = '0 0 1 1 *';
const off = `synthetic:\n  enabled: false\n  cron: "${YEARLY}"\n`;
const on = `synthetic:\n  enabled: true\n  cron: "${YEARLY}"\n`;
// Octokit asks for `/contents/.github%2Fko.yml` or `/contents/.github/ko.yml`; both match.
const CONFIG_READ = /^GET \/repos\/acme\/app\/contents\/\.github(\/|%2F)ko\.yml/i;

describe('a pushed .github/ko.yml reschedules the synthetic workflow', () => {
  let sandbox: GitHubSandbox;
  let app: StartedApp;
  let dir: string;
  const logs: Record<string, unknown>[] = [];

  const scheduled = (repo: string): boolean =>
    logs.some((l) => l['event'] === 'workflow.scheduled' && l['repo'] === repo);

  /** Waits until the stand-in has sent everything and KO has handled every delivery. */
  async function settled(): Promise<void> {
    for (;;) {
      await sandbox.idle();
      const before = sandbox.deliveries().length;
      await app.deliveries?.idle();
      await sandbox.idle();
      if (sandbox.deliveries().length === before) return;
    }
  }

  beforeAll(async () => {
    sandbox = await startGitHubSandbox({ appId: 42, webhookSecret: SECRET });
    // Seeded before the app starts, so its start-up discovery finds both: acme/always is
    // scheduled at once (the sign that the scheduler runs), acme/app is not (disabled).
    sandbox.seedRepo({ repo: REPO, files: { 'README.md': '# app\n', '.github/ko.yml': off } });
    sandbox.seedRepo({ repo: 'acme/always', files: { '.github/ko.yml': on } });
    dir = mkdtempSync(join(tmpdir(), 'ko-config-push-'));
    const logger = createLogger({
      service: 'ko-app',
      level: 'debug',
      primary: { write: (line: string) => void logs.push(JSON.parse(line)) },
    });
    app = await startAppOnSandbox({ sandbox, dir, logger });
    await until(() => scheduled('acme/always'));
  });

  afterAll(async () => {
    await app?.stop(2_000);
    await sandbox?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a push to another branch, or of other files, does not re-read the config', async () => {
    // An armed 502 on the config read is the probe: it stays armed while nothing reads.
    sandbox.serverErrors(1, { status: 502, match: CONFIG_READ });
    sandbox.as('alice').pushCommit(REPO, { branch: 'other', files: { '.github/ko.yml': on } });
    sandbox.as('alice').pushCommit(REPO, { branch: 'main', files: { 'README.md': '# app 2\n' } });
    await settled();
    const pushes = sandbox.deliveries().filter((d) => d.event === 'push');
    expect(pushes.map((d) => [JSON.parse(d.body).ref, d.status])).toEqual([
      ['refs/heads/other', 'OK'],
      ['refs/heads/main', 'OK'],
    ]);
    expect(sandbox.faultsPending().requests).toBe(1);
    expect(scheduled('acme/app')).toBe(false);
  });

  it('a push of an enabling ko.yml to the default branch schedules the repo at once', async () => {
    sandbox.as('alice').pushCommit(REPO, {
      branch: 'main',
      files: { '.github/ko.yml': on },
      message: 'Enable the synthetic workflow',
    });
    await until(() => scheduled('acme/app'));
    // The re-read went to GitHub (the armed 502 was hit, then retried) and found the new file.
    expect(sandbox.faultsPending().requests).toBe(0);
    const entry = logs.find((l) => l['event'] === 'workflow.scheduled' && l['repo'] === REPO);
    expect(entry?.['cron']).toBe(YEARLY);
  });
});
