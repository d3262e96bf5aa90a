// `npm run demo -- --once --json` as a process: the stand-in, the app and a real runner, one
// synthetic workflow in apply mode to a merged PR, then /ko status and /ko exec.
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface DemoJson {
  pr: number | null;
  steps: { name: string; at: string }[];
  trace_id: string;
  final_state: string;
}

function runDemo(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('npm', ['run', '-s', 'demo', '--', '--once', '--json'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

describe('npm run demo -- --once --json', () => {
  it('merges one synthetic PR, answers /ko status and /ko exec, prints JSON and exits 0', async () => {
    const { code, stdout, stderr } = await runDemo();
    expect(stderr).toBe('');
    const result = JSON.parse(stdout) as DemoJson;
    expect(code).toBe(0);
    expect(result.final_state).toBe('merged');
    expect(result.pr).toBeGreaterThan(0);
    expect(result.trace_id).toMatch(/^[0-9a-f]{32}$/);
    const names = result.steps.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'branch done',
        'pr done',
        'checks done',
        'gate done',
        'merge done',
        'ko status answered',
        'ko exec result from the runner',
      ]),
    );
    const times = result.steps.map((s) => Date.parse(s.at));
    expect(times.every((t) => Number.isFinite(t))).toBe(true);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  }, 180_000);
});
