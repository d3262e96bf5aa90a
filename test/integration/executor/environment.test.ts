import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobFixture, type JobFixture } from './job-fixture.ts';

// The runner's own environment as a real runner would have it (this worker is the "runner").
const planted = { KO_RUNNER_TOKEN: 'kor_test', MY_SECRET: 'hunter2', KO_EXTRA_PASS: 'visible' };
let fx: JobFixture;
beforeAll(() => {
  Object.assign(process.env, planted);
  fx = createJobFixture();
});
afterAll(() => {
  for (const name of Object.keys(planted)) delete process.env[name];
  fx.cleanup();
});

const listEnv = 'Get-ChildItem env: | ForEach-Object { "$($_.Name)=$($_.Value)" }';

function parse(stdout: string): Map<string, string> {
  return new Map(
    stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

describe('executor: the job environment', () => {
  it('gives the job PATH and its own variables, but not the runner token or secrets', async () => {
    const { result, stdout } = await fx.run(listEnv, { env: { JOB_VAR: 'from-the-job' } });
    expect(result.status).toBe('succeeded');
    const env = parse(stdout);
    // PowerShell puts its own folder in front of the PATH it was given.
    expect(env.get('PATH')?.endsWith(String(process.env['PATH']))).toBe(true);
    expect(env.get('JOB_VAR')).toBe('from-the-job');
    expect(env.get('NO_COLOR')).toBe('1');
    expect(env.has('KO_RUNNER_TOKEN')).toBe(false);
    expect(env.has('MY_SECRET')).toBe(false);
    expect(stdout).not.toContain('kor_test');
    expect(stdout).not.toContain('hunter2');
  });

  it('passes extra names from passEnv, but never KO_* or secrets', async () => {
    process.env['EXTRA_SETTING'] = 'passed';
    try {
      const { stdout } = await fx.run(listEnv, {
        passEnv: ['EXTRA_SETTING', 'KO_EXTRA_PASS', 'MY_SECRET'],
      });
      const env = parse(stdout);
      expect(env.get('EXTRA_SETTING')).toBe('passed');
      expect(env.has('KO_EXTRA_PASS')).toBe(false);
      expect(env.has('MY_SECRET')).toBe(false);
    } finally {
      delete process.env['EXTRA_SETTING'];
    }
  });
});
