import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TextTransform } from '../../../runner/src/executor/executor-types.ts';
import { truncationNotice } from '../../../runner/src/executor/output-channel.ts';
import { createJobFixture, type JobFixture } from './job-fixture.ts';

let fx: JobFixture;
beforeAll(() => {
  fx = createJobFixture();
});
afterAll(() => fx.cleanup());

/** A stand-in for the masker: replaces a secret even when it arrives split across two reads. */
function maskSecret(secret: string): TextTransform {
  let held = '';
  return {
    push(text) {
      const joined = (held + text).split(secret).join('***');
      // Hold back a tail that could be the start of the secret.
      let keep = 0;
      for (let n = Math.min(secret.length - 1, joined.length); n > 0; n -= 1) {
        if (secret.startsWith(joined.slice(-n))) {
          keep = n;
          break;
        }
      }
      held = joined.slice(joined.length - keep);
      return joined.slice(0, joined.length - keep);
    },
    flush() {
      const rest = held;
      held = '';
      return rest;
    },
  };
}

describe('executor: output streaming, masking and the cap', () => {
  it('past the cap it stops forwarding, says so once in-band, and the command runs to completion', async () => {
    const done = join(fx.root, 'finished-after-cap');
    const cap = 4_096;
    const { result, stdout, chunks } = await fx.run(
      [
        '1..400 | ForEach-Object { Write-Output ("line {0:d4} " -f $_ + ("x" * 40)) }',
        '[Console]::Error.WriteLine("stderr is counted on its own")',
        `Set-Content -LiteralPath '${done}' -Value ok`,
        'Write-Output "last line"',
      ].join('\n'),
      { outputCapBytes: cap },
    );
    expect(result).toMatchObject({ status: 'succeeded', exitCode: 0 });
    expect(existsSync(done)).toBe(true);
    expect(result.streams.stdout.truncated).toBe(true);
    expect(result.streams.stderr).toEqual({ bytes: 29, truncated: false });
    const notice = truncationNotice(cap);
    expect(stdout.split(notice)).toHaveLength(2);
    expect(stdout.endsWith(notice)).toBe(true);
    expect(stdout).not.toContain('last line');
    // At most `cap` bytes of output, plus the newline that puts the notice on its own line.
    expect(Buffer.byteLength(stdout) - Buffer.byteLength(notice)).toBeLessThanOrEqual(cap + 1);
    expect(Buffer.byteLength(stdout) - Buffer.byteLength(notice)).toBeGreaterThan(cap - 100);
    // bytes counts exactly what was handed to onOutput.
    const stdoutBytes = chunks
      .filter((c) => c.stream === 'stdout')
      .reduce((sum, c) => sum + c.bytes, 0);
    expect(result.streams.stdout.bytes).toBe(stdoutBytes);
    expect(result.streams.stdout.bytes).toBe(Buffer.byteLength(stdout));
  });

  it('passes each stream through its own transform before counting and forwarding', async () => {
    const secret = 'hunter2-s3cr3t';
    const { result, stdout, stderr } = await fx.run(
      [
        `$s = '${secret}'`,
        // Written in two halves with a flush between, so the secret can arrive split.
        '[Console]::Out.Write("token=" + $s.Substring(0, 5)); [Console]::Out.Flush(); Start-Sleep -Milliseconds 200',
        '[Console]::Out.WriteLine($s.Substring(5))',
        '[Console]::Error.WriteLine("err " + $s)',
      ].join('\n'),
      { transformText: () => maskSecret(secret) },
    );
    expect(result.status).toBe('succeeded');
    expect(stdout).toBe('token=***\n');
    expect(stderr).toBe('err ***\n');
    expect(result.streams.stdout.bytes).toBe(Buffer.byteLength('token=***\n'));
  });
});
