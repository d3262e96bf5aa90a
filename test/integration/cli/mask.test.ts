import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;
const token = `ghp_${'Q'.repeat(10)}${'w1e2r3t4y5u6i7o8p9a0s1d2f3'}`;

function koMask(input: string, env: Record<string, string> = {}) {
  return execa('node', ['bin/ko.js', 'mask'], {
    cwd: root,
    input,
    env,
    reject: false,
    timeout: 30_000,
    stripFinalNewline: false,
  });
}

describe('ko mask (real process)', () => {
  it('masks token shapes and configured secrets from stdin to stdout, and nothing else', async () => {
    const webhookSecret = 'cli-webhook-secret-77';
    const input = [
      `token ${token}`,
      `secret ${webhookSecret} and as base64 ${Buffer.from(webhookSecret).toString('base64')}`,
      'extra listed-secret-1 and url https://bot:p4ssw0rd@example.com/x',
      'commit 3f786850e387550fdab836ed7e6dc881de23001b stays',
      '',
    ].join('\n');
    const result = await koMask(input, {
      WEBHOOK_SECRET: webhookSecret,
      KO_SECRETS: 'listed-secret-1,other-secret-2',
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(
      [
        'token [MASKED:github-token]',
        'secret [MASKED:secret] and as base64 [MASKED:secret]',
        'extra [MASKED:secret] and url https://bot:[MASKED:url-password]@example.com/x',
        'commit 3f786850e387550fdab836ed7e6dc881de23001b stays',
        '',
      ].join('\n'),
    );
  });

  it('passes large input through, masking a secret deep inside it', async () => {
    const filler = 'plain output line\n'.repeat(20_000);
    const result = await koMask(`${filler}${token}\n${filler}`);
    // Compared piecewise: a 700 KB diff helps nobody.
    expect(result.stdout.length).toBe(filler.length * 2 + '[MASKED:github-token]\n'.length);
    expect(result.stdout.includes(token)).toBe(false);
    expect(result.stdout.slice(filler.length, filler.length + 22)).toBe('[MASKED:github-token]\n');
  });

  it('is listed in ko --help', async () => {
    const result = await execa('node', ['bin/ko.js', '--help'], { cwd: root, reject: false });
    expect(result.stdout).toMatch(/\bmask\b/);
  });
});
