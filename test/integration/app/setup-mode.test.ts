import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnvOptions } from '../../../src/config/read-env-options.ts';
import { startApp, type StartedApp } from '../../../src/start-app.ts';
import { createLogger } from '../../../src/telemetry/logger.ts';
import { freePort } from './app-fixtures.ts';

let dir: string;
let app: StartedApp;
const messages: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ko-setup-'));
  // Probot's setup flow would otherwise ask smee.io for a webhook proxy channel.
  process.env['NO_SMEE_SETUP'] = 'true';
  for (const name of ['APP_ID', 'PRIVATE_KEY', 'PRIVATE_KEY_PATH']) delete process.env[name];
  const options = readEnvOptions({ PORT: String(await freePort()), HOST: '127.0.0.1' }, dir);
  const logger = createLogger({
    service: 'ko-app',
    primary: {
      write: (line: string) =>
        void messages.push(String((JSON.parse(line) as { msg: unknown }).msg)),
    },
  });
  app = await startApp(options, { logger });
});

afterAll(async () => {
  await app?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('without APP_ID and a private key', () => {
  it("serves Probot's manifest setup flow built from app.yml, without needing WEBHOOK_SECRET", async () => {
    expect(app.mode).toBe('setup');
    const response = await fetch(`http://127.0.0.1:${app.port}/probot`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('kobong-orchestrator');
    // The manifest posted to GitHub carries app.yml's least-privilege permissions.
    expect(html).toContain('pull_requests');
    expect(messages).toContain('Welcome to Probot!');
  });
});
