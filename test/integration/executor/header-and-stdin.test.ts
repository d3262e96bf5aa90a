// What every job gets from the executor before its own command: stdin closed, strict mode, and
// no progress output. Real PowerShell 7.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobFixture, type JobFixture } from './job-fixture.ts';

let fx: JobFixture;
beforeAll(() => {
  fx = createJobFixture();
});
afterAll(() => fx.cleanup());

describe('executor: stdin and the script header', () => {
  it('stdin is closed: reading all of it returns at once, empty', async () => {
    // With an open stdin this read would wait forever; the job's own limit turns that into
    // timed_out instead of a hung test.
    const { result, stdout } = await fx.run(
      '$text = [Console]::In.ReadToEnd(); Write-Output "read=[$text] length=$($text.Length)"',
      { timeoutMs: 30_000 },
    );
    expect(result).toMatchObject({ status: 'succeeded', exitCode: 0 });
    expect(stdout).toBe('read=[] length=0\n');
  }, 60_000);

  it('strict mode: an undefined variable stops the job with a non-zero exit', async () => {
    const { result, stdout, stderr } = await fx.run(
      'Write-Output before; Write-Output $undefinedVar; Write-Output after',
    );
    expect(result.status).toBe('failed');
    expect(result.exitCode).not.toBe(0);
    expect(stdout).toBe('before\n');
    expect(stderr).toMatch(/undefinedVar/);
  }, 60_000);

  it('progress is off: $ProgressPreference is SilentlyContinue and Write-Progress prints nothing', async () => {
    const { result, stdout, stderr } = await fx.run(
      [
        'Write-Output "progress=$ProgressPreference"',
        "Write-Progress -Activity 'copying' -Status 'half' -PercentComplete 50",
        "Write-Progress -Activity 'copying' -Completed",
      ].join('\n'),
    );
    expect(result).toMatchObject({ status: 'succeeded', exitCode: 0 });
    expect(stdout).toBe('progress=SilentlyContinue\n');
    expect(stderr).toBe('');
  }, 60_000);
});
