import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, generatePrivateKey } from './app-fixtures.ts';

const root = new URL('../../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'ko-start-fail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the app when its start fails after it began listening', () => {
  it('exits with the error class instead of serving on without stop handlers', async () => {
    // The hub's folder is a file: startApp throws after Probot's server already listens.
    writeFileSync(join(dir, 'hub'), 'not a folder');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      APP_ID: '5',
      PRIVATE_KEY: generatePrivateKey(),
      WEBHOOK_SECRET: 'start-fail-secret',
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      KO_DATA_DIR: dir,
    };
    delete env['PRIVATE_KEY_PATH'];
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (piece: Buffer) => (stdout += piece.toString()));
    child.stderr.on('data', (piece: Buffer) => (stderr += piece.toString()));
    try {
      const exited = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
        (resolve) => child.on('exit', (code, signal) => resolve({ code, signal })),
      );
      expect(stdout).toContain('Listening on');
      expect(exited).toEqual({ code: 13, signal: null });
      expect(stderr).toContain(`ko: EEXIST`);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
