import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedApp } from '../../../src/start-app.ts';
import { startTestApp } from './app-fixtures.ts';

const webhookSecret = 'webhook-test-secret-0042';
let dir: string;
let app: StartedApp;
const raw: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ko-webhooks-'));
  app = await startTestApp({ webhookSecret, dataDir: dir, onLine: (line) => void raw.push(line) });
});

afterAll(async () => {
  await app?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function post(body: string, secret: string): Promise<Response> {
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  return fetch(`http://127.0.0.1:${app.port}/api/github/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'ping',
      'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      'x-hub-signature-256': signature,
    },
    body,
  });
}

describe('webhook signature verification on the real app', () => {
  // The shape of GitHub's ping event (hook_id, zen); its content does not matter to KO.
  const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });

  it('accepts a webhook signed with WEBHOOK_SECRET', async () => {
    expect((await post(body, webhookSecret)).status).toBe(200);
  });

  it('refuses one signed with another secret', async () => {
    const response = await post(body, 'development');
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  it("writes Probot's own lines through KO's logger", () => {
    const probotLines = raw
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => String(line['msg']).startsWith('Running Probot v14'));
    expect(probotLines).toHaveLength(1);
    expect(probotLines[0]).toMatchObject({ service: 'ko-app', level: 'info' });
  });

  it('never writes the webhook secret to the log', () => {
    expect(raw.length).toBeGreaterThan(0);
    expect(raw.join('')).not.toContain(webhookSecret);
  });
});
