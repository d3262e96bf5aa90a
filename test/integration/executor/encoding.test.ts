import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobFixture, type JobFixture } from './job-fixture.ts';

let fx: JobFixture;
beforeAll(() => {
  fx = createJobFixture();
});
afterAll(() => fx.cleanup());

describe('executor: UTF-8 end to end with the real PowerShell 7', () => {
  it('keeps output UTF-8 under a locale that names another charset', async () => {
    const { result, stdout } = await fx.run("Write-Output '한국어 ✓'", {
      env: { LC_ALL: 'en_US.ISO-8859-1' },
    });
    expect(result.status).toBe('succeeded');
    expect(stdout).toBe('한국어 ✓\n');
  });

  it('round-trips UTF-8 and writes the script as UTF-8 without a BOM', async () => {
    const text = '한국어 ✓ — ünïcödé';
    let script = Buffer.alloc(0);
    const { result, stdout, stderr, jobDir } = await fx.run(
      `Write-Output '${text}'\n[Console]::Error.WriteLine('${text}')`,
      { onStart: ({ scriptPath }) => (script = readFileSync(scriptPath)) },
    );
    expect(result.status).toBe('succeeded');
    expect(stdout).toBe(`${text}\n`);
    expect(stderr).toBe(`${text}\n`);
    expect(script.length).toBeGreaterThan(0);
    // The job's folder is removed once the job is over.
    expect(existsSync(jobDir)).toBe(false);
    expect([...script.subarray(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
    expect(script.toString('utf8')).toContain(text);
  });
});
