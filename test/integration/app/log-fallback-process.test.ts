import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, generatePrivateKey } from './app-fixtures.ts';

const root = new URL('../../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'ko-epipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the app when its stdout goes away', () => {
  it('keeps logging to the JSONL fallback file, after a warning, and /readyz says so', async () => {
    const port = await freePort();
    const fallbackFile = join(dir, 'logs', 'fallback.jsonl');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      APP_ID: '5',
      PRIVATE_KEY: generatePrivateKey(),
      WEBHOOK_SECRET: 'epipe-test-secret',
    };
    Object.assign(env, { PORT: String(port), HOST: '127.0.0.1', KO_DATA_DIR: dir });
    delete env['PRIVATE_KEY_PATH'];
    delete env['KO_LOG_FALLBACK_FILE'];
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Keep the signal and stderr: "ended by SIGTERM" and "crashed (SIGSEGV)" need different fixes.
    let stderr = '';
    child.stderr.on(
      'data',
      (piece: Buffer) => (stderr = (stderr + piece.toString()).slice(-4_000)),
    );
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      // Wait until it listens, then close our end of its stdout: its next write fails (EPIPE).
      await new Promise<void>((resolve) => {
        let seen = '';
        child.stdout.on('data', (piece: Buffer) => {
          seen += piece.toString();
          if (seen.includes('Listening on')) resolve();
        });
      });
      child.stdout.destroy();
      const base = `http://127.0.0.1:${port}`;
      // Lines already handed to the asynchronous stdout writer when it failed may be lost;
      // once the switch is recorded, every line must reach the file.
      for (let attempt = 0; attempt < 100 && !existsSync(fallbackFile); attempt += 1) {
        await fetch(`${base}/livez`);
        await sleep(100);
      }
      const readyz = (await (
        await fetch(`${base}/readyz`, { headers: { 'x-correlation-id': 'after-the-switch' } })
      ).json()) as {
        checks: { name: string; detail?: string }[];
      };
      expect(readyz.checks.find((check) => check.name === 'log-sink')?.detail).toBe(
        `fallback: ${fallbackFile}`,
      );
      await sleep(200);
      const lines = readFileSync(fallbackFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines[0]).toMatchObject({
        level: 'warn',
        msg: `primary log sink failed; writing to the fallback file ${fallbackFile}`,
      });
      expect(String((lines[0]?.['err'] as { message: string }).message)).toContain('EPIPE');
      expect(lines.filter((line) => line['corr_id'] === 'after-the-switch')).toHaveLength(1);
      child.kill('SIGTERM');
      expect(await exited, `app stderr:\n${stderr}`).toEqual({ code: 0, signal: null });
      const last = readFileSync(fallbackFile, 'utf8').trim().split('\n').at(-1) ?? '';
      expect(JSON.parse(last)).toMatchObject({ msg: 'stopped' });
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
