import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobFixture, type JobFixture } from './job-fixture.ts';

// The exit-code rules are documented in runner/src/executor/build-job-script.ts.
let fx: JobFixture;
beforeAll(() => {
  fx = createJobFixture();
});
afterAll(() => fx.cleanup());

describe('executor: results and exit codes with the real PowerShell 7', () => {
  it('normal: Write-Output streams to stdout and the job succeeds', async () => {
    const { result, stdout, stderr } = await fx.run('Write-Output "hello"; Write-Output "world"');
    expect(result).toMatchObject({ status: 'succeeded', exitCode: 0 });
    expect(stdout).toBe('hello\nworld\n');
    expect(stderr).toBe('');
    expect(result.streams.stdout).toEqual({ bytes: Buffer.byteLength(stdout), truncated: false });
    expect(Date.parse(result.finishedAt) - Date.parse(result.startedAt)).toBeGreaterThanOrEqual(0);
    expect(result.durationMs).toBeGreaterThan(0);
    expect(result.error).toBeUndefined();
  });

  it('error: a throw fails the job with exit 1 and the message and command line on stderr', async () => {
    const { result, stdout, stderr } = await fx.run(
      'Write-Output before\n\nthrow "the sky fell"\nWrite-Output after',
    );
    expect(result).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(stdout).toBe('before\n');
    expect(stderr).toContain('the sky fell');
    expect(stderr).toContain('command line 3');
    expect(stderr).not.toContain('\u001b['); // plain text, no ANSI colour codes
  });

  it('a native command that fails stops the script and its exit code becomes the job exit code', async () => {
    const { result, stdout, stderr } = await fx.run("bash -c 'exit 7'\nWrite-Output 'not reached'");
    expect(result).toMatchObject({ status: 'failed', exitCode: 7 });
    expect(stdout).toBe('');
    expect(stderr).toContain('exit code: 7');
  });

  it('stale $LASTEXITCODE: a tolerated native failure followed by a successful cmdlet ends with 0', async () => {
    const { result, stdout } = await fx.run(
      [
        '$PSNativeCommandUseErrorActionPreference = $false',
        "bash -c 'exit 9'",
        'Write-Output "tolerated $LASTEXITCODE"',
        'Get-Date | Out-Null',
      ].join('\n'),
    );
    expect(stdout).toBe('tolerated 9\n');
    expect(result).toMatchObject({ status: 'succeeded', exitCode: 0 });
  });

  it('with fail-fast off, a failing native command as the last statement still sets the exit code', async () => {
    const { result } = await fx.run(
      "$PSNativeCommandUseErrorActionPreference = $false\nbash -c 'exit 4'",
    );
    expect(result).toMatchObject({ status: 'failed', exitCode: 4 });
  });

  it('a command that does not parse fails with exit 1 and the parser error on stderr', async () => {
    const { result, stdout, stderr } = await fx.run('Write-Output "never"\nif ($true) {');
    expect(result).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(stdout).toBe('');
    expect(stderr).toMatch(/ParserError|Missing closing/);
  });

  it('exit 3 from the command is the job exit code', async () => {
    const { result, stdout } = await fx.run('Write-Output x\nexit 3\nWrite-Output y');
    expect(result).toMatchObject({ status: 'failed', exitCode: 3 });
    expect(stdout).toBe('x\n');
  });
});
