import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, generatePrivateKey } from './app-fixtures.ts';

const root = new URL('../../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'ko-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The environment without any GitHub App settings the developer's shell might carry. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, KO_DATA_DIR: dir, ...extra };
  for (const name of ['APP_ID', 'PRIVATE_KEY', 'PRIVATE_KEY_PATH', 'WEBHOOK_SECRET', 'KO_DEMO'])
    if (!(name in extra)) delete env[name];
  return env;
}

describe('npm start (src/main.ts) as a real process', () => {
  it('refuses to start without WEBHOOK_SECRET: exit 10 and a message saying to set it', async () => {
    const result = await execa('npx', ['tsx', 'src/main.ts'], {
      cwd: root,
      env: cleanEnv({
        APP_ID: '123',
        PRIVATE_KEY: generatePrivateKey(),
        PORT: String(await freePort()),
      }),
      extendEnv: false,
      reject: false,
      timeout: 45_000,
    });
    expect(result.exitCode).toBe(10);
    expect(result.stderr).toContain('WEBHOOK_SECRET is not set');
    expect(result.stderr).toContain('Set WEBHOOK_SECRET');
  });

  it('serves /livez, then stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    // `node --import tsx`, not the tsx CLI: the CLI relays signals with a 30 ms handshake and
    // SIGKILLs a child that answers later, which a busy CI machine does.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: cleanEnv({
        APP_ID: '123',
        PRIVATE_KEY: generatePrivateKey(),
        WEBHOOK_SECRET: 'start-test-secret',
        PORT: String(port),
        HOST: '127.0.0.1',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (piece: Buffer) => (stdout += piece.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    try {
      const deadline = Date.now() + 40_000;
      let status = 0;
      while (Date.now() < deadline && status !== 200) {
        status = await fetch(`http://127.0.0.1:${port}/livez`).then(
          (response) => response.status,
          () => 0,
        );
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const messages = stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { msg: string }).msg);
      expect(messages).toContain('stopping');
      expect(messages).toContain('stopped');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
