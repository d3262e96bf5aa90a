// A token made with `ko runner token create` (KO_DATA_DIR) opens the app's runner socket.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { StartedApp } from '../../../src/start-app.ts';
import { startTestApp } from './app-fixtures.ts';

const run = promisify(execFile);
const KO = resolve(import.meta.dirname, '../../../bin/ko.js');
let dir: string | undefined;
let app: StartedApp | undefined;
afterEach(async () => {
  await app?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The HTTP status the upgrade got: 101 when the socket opened. */
function upgradeStatus(url: string, token: string): Promise<number> {
  return new Promise((done, fail) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    ws.once('upgrade', (res) => {
      done(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('unexpected-response', (_req, res) => {
      done(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', fail);
  });
}

it('accepts a CLI-created runner token and refuses it once revoked', async () => {
  dir = mkdtempSync(join(tmpdir(), 'ko-token-app-'));
  const env = { ...process.env, KO_DATA_DIR: join(dir, '.ko') }; // startTestApp's data dir
  const created = await run(
    process.execPath,
    [KO, 'runner', 'token', 'create', '--name', 'r1', '--json'],
    { env },
  );
  const { id, token } = JSON.parse(created.stdout) as { id: string; token: string };
  app = await startTestApp({ webhookSecret: 'token-app-secret', dataDir: dir, onLine: () => {} });
  const url = `ws://127.0.0.1:${app.port}/ko/v1/runners`;
  expect(await upgradeStatus(url, token)).toBe(101);
  await run(process.execPath, [KO, 'runner', 'token', 'revoke', id], { env });
  expect(await upgradeStatus(url, token)).toBe(401);
}, 90_000);
