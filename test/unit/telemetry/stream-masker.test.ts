import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMasker, maskMarker } from '../../../src/telemetry/mask.ts';
import { createStreamMasker } from '../../../src/telemetry/stream-masker.ts';

const configured = 'pa55-word-for-the-webhook';
const masker = createMasker({ secrets: [configured] });
const token = `ghp_${'Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa'.slice(0, 36)}`;
const pem = [
  '-----BEGIN PRIVATE KEY-----',
  'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
  'bm9ub25vbm9ub25vbm9ub25vbg==',
  '-----END PRIVATE KEY-----',
].join('\n');

const secrets: { kind: string; value: string }[] = [
  { kind: 'secret', value: configured },
  { kind: 'secret', value: Buffer.from(configured).toString('base64') },
  { kind: 'github-token', value: token },
  { kind: 'private-key', value: pem },
  { kind: 'aws-access-key-id', value: 'AKIAIOSFODNN7EXAMPLE' },
];

function streamed(pieces: string[], holdBack?: number): string {
  const stream = createStreamMasker(masker, holdBack === undefined ? {} : { holdBack });
  return pieces.map((piece) => stream.write(piece)).join('') + stream.flush();
}

describe('createStreamMasker: a secret split at every position across two pieces', () => {
  // Long filler on both sides, so that with a small hold-back text really is emitted early.
  const before = 'output line one\n'.repeat(20);
  const after = '\nlast line of output\n'.repeat(20);
  for (const holdBack of [undefined, 120]) {
    describe(`holdBack ${holdBack ?? 'default'}`, () => {
      it.each(secrets)('$kind', ({ kind, value }) => {
        const text = `${before}${value}${after}`;
        const expected = `${before}${maskMarker(kind)}${after}`;
        for (let split = 0; split <= value.length; split += 1) {
          const cut = before.length + split;
          const out = streamed([text.slice(0, cut), text.slice(cut)], holdBack);
          expect(out, `split at ${split}`).toBe(expected);
        }
      });
    });
  }
});

describe('createStreamMasker', () => {
  it('emits text early when it can, and holds back only a tail', () => {
    const stream = createStreamMasker(masker, { holdBack: 50 });
    const first = stream.write('x'.repeat(200));
    expect(first).toBe('x'.repeat(150));
    expect(stream.flush()).toBe('x'.repeat(50));
  });

  it.each([16, 64, 500])(
    'masks a real 4096-bit private key arriving in %i-character pieces',
    (size) => {
      const realKey = generateKeyPairSync('rsa', { modulusLength: 4096 })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString();
      const text = `$ cat key.pem\n${realKey}$ echo done\n`;
      const pieces = Array.from({ length: Math.ceil(text.length / size) }, (_, index) =>
        text.slice(index * size, (index + 1) * size),
      );
      expect(streamed(pieces)).toBe(`$ cat key.pem\n${maskMarker('private-key')}\n$ echo done\n`);
    },
  );

  it('emits an open secret masked once it grows past maxPending', () => {
    const stream = createStreamMasker(masker, { holdBack: 64, maxPending: 256 });
    const out = stream.write(`${'-----BEGIN PRIVATE KEY-----\n'}${'QUJD'.repeat(100)}`);
    expect(out).toBe(maskMarker('private-key'));
    expect(stream.flush()).toBe('');
  });

  it('matches whole-text masking for secrets in random text cut into random pieces', () => {
    const filler = fc.string({
      unit: fc.constantFrom('a', 'b', ' ', '\n', '-', '1', '/', ':'),
      maxLength: 300,
    });
    fc.assert(
      fc.property(
        fc.array(fc.oneof(filler, fc.constantFrom(...secrets.map((secret) => secret.value))), {
          maxLength: 8,
        }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.integer({ min: 100, max: 2000 }),
        (parts, cutPoints, holdBack) => {
          const text = parts.join(' ');
          const cuts = [...new Set(cutPoints.map((point) => point % (text.length + 1)))].sort(
            (a, b) => a - b,
          );
          const pieces = [0, ...cuts].map((start, index) =>
            text.slice(start, cuts[index] ?? text.length),
          );
          expect(streamed(pieces, holdBack)).toBe(masker.mask(text));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('createStreamMasker: holds back only what could still become a secret', () => {
  const spaced = 'open sesame, my friend';
  const withSpaced = createMasker({ secrets: [configured, spaced] });
  const bearerValue = 'abcdefghijklmnop0123456789';
  const awsSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

  it.each(['hello\n', 'step 1 done\n', 'Write-Output done\r\n', 'a: b = c\n', 'bearer bonds\n'])(
    'emits %j at once',
    (text) => {
      const stream = createStreamMasker(withSpaced);
      expect(stream.write(text)).toBe(text);
      expect(stream.flush()).toBe('');
    },
  );

  // [first piece, what write() returns for it, second piece, what write()+flush() return after]
  const held: { name: string; first: string; now: string; second: string; rest: string }[] = [
    {
      name: 'partial GitHub token',
      first: `done\n${token.slice(0, 12)}`,
      now: 'done\n',
      second: `${token.slice(12)}\n`,
      rest: `${maskMarker('github-token')}\n`,
    },
    {
      name: 'word without a line break yet',
      first: 'progress 50%',
      now: 'progress ',
      second: '\n',
      rest: '50%\n',
    },
    {
      name: 'trailing "Bearer "',
      first: 'curl -H "Authorization: Bearer ',
      now: 'curl -H "Authorization: ',
      second: `${bearerValue}"\n`,
      rest: `Bearer ${maskMarker('bearer-token')}"\n`,
    },
    {
      name: '"Bearer" then a line break',
      first: 'Bearer\n',
      now: '',
      second: `  ${bearerValue}\n`,
      rest: `Bearer\n  ${maskMarker('bearer-token')}\n`,
    },
    {
      name: 'Authorization: Basic',
      first: 'Authorization: Basic ',
      now: '',
      second: 'dXNlcjpwYXNzd29yZA==\n',
      rest: `Authorization: Basic ${maskMarker('basic-auth')}\n`,
    },
    {
      name: 'aws_secret_access_key =',
      first: 'x\naws_secret_access_key = ',
      now: 'x\n',
      second: `${awsSecret}\n`,
      rest: `aws_secret_access_key = ${maskMarker('aws-secret-key')}\n`,
    },
    {
      name: 'open Authorization header value in a JSON line',
      first: '{"authorization":"token abc ',
      now: '{',
      second: 'def"}\n',
      rest: `"authorization":"${maskMarker('http-credential')}"}\n`,
    },
    {
      name: 'private key header not finished',
      first: 'key:\n-----BEGIN RSA PRIV',
      now: 'key:\n',
      second: 'ATE KEY-----\nQUJD\n-----END RSA PRIVATE KEY-----\n',
      rest: `${maskMarker('private-key')}\n`,
    },
    {
      name: 'configured secret with a space, cut after the space',
      first: 'say open sesame, ',
      now: 'say ',
      second: 'my friend\n',
      rest: `${maskMarker('secret')}\n`,
    },
    {
      name: 'URL userinfo',
      first: 'git clone https://bot:',
      now: 'git clone ',
      second: 'hunter2@example.com/x\n',
      rest: `https://bot:${maskMarker('url-password')}@example.com/x\n`,
    },
  ];
  it.each(held)('$name', ({ first, now, second, rest }) => {
    const stream = createStreamMasker(withSpaced);
    expect(stream.write(first)).toBe(now);
    expect(stream.write(second) + stream.flush()).toBe(rest);
  });

  it('matches whole-text masking for every kind cut at random places', () => {
    const jwt = `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.${'c2lnbmF0dXJl'}`;
    const values = [
      configured,
      spaced,
      Buffer.from(configured).toString('base64'),
      encodeURIComponent(spaced),
      token,
      pem,
      'AKIAIOSFODNN7EXAMPLE',
      jwt,
      `Bearer ${bearerValue}`,
      `Bearer\n\n${bearerValue}=`,
      'Authorization: "Basic dXNlcjpwYXNzd29yZA=="',
      `aws_secret_access_key= ${awsSecret}`,
      `{"authorization":"Bearer ${bearerValue} x","cookie":"a=b; c=d"}`,
      '"set-cookie":["a=1; Path=/","b=\\"2\\""]',
      'https://user:p4ss@host/path',
    ];
    const filler = fc.string({
      unit: fc.constantFrom('a', 'B', ' ', '\n', '-', '1', '/', ':', '"', '=', '\\'),
      maxLength: 80,
    });
    const fragment = fc.constantFrom('Bearer ', 'authorization', '-----BEGIN ', 'open ', '://');
    fc.assert(
      fc.property(
        fc.array(fc.oneof(filler, fragment, fc.constantFrom(...values)), { maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.constantFrom(undefined, 200),
        (parts, cutPoints, holdBack) => {
          const text = parts.join(' ');
          const cuts = [...new Set(cutPoints.map((point) => point % (text.length + 1)))].sort(
            (a, b) => a - b,
          );
          const pieces = [0, ...cuts].map((start, index) =>
            text.slice(start, cuts[index] ?? text.length),
          );
          const stream = createStreamMasker(withSpaced, holdBack ? { holdBack } : {});
          const out = pieces.map((piece) => stream.write(piece)).join('') + stream.flush();
          expect(out).toBe(withSpaced.mask(text));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
