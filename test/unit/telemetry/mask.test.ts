import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMasker, maskMarker } from '../../../src/telemetry/mask.ts';
import { MIN_SECRET_LENGTH, secretForms } from '../../../src/telemetry/secret-forms.ts';

// Fixtures are assembled at run time so that no token-shaped string sits in the repository.
const alnum36 = 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
const jwt = [
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
  'eyJzdWIiOiIxMjM0NTY3ODkwIn0',
  'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
].join('.');
const awsSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const pem = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo',
  'bm9ub25vbm9ub25vbm9ub25vbg==',
  '-----END RSA PRIVATE KEY-----',
].join('\n');

const m = (kind: string) => maskMarker(kind);

describe('createMasker: built-in secret shapes', () => {
  const masker = createMasker();
  const cases: { name: string; input: string; expected: string }[] = [
    {
      name: 'classic PAT',
      input: `token ghp_${alnum36} ok`,
      expected: `token ${m('github-token')} ok`,
    },
    { name: 'OAuth token', input: `gho_${alnum36}`, expected: m('github-token') },
    { name: 'user-to-server token', input: `x ghu_${alnum36}`, expected: `x ${m('github-token')}` },
    { name: 'installation token', input: `"ghs_${alnum36}"`, expected: `"${m('github-token')}"` },
    { name: 'refresh token', input: `ghr_${alnum36}`, expected: m('github-token') },
    {
      name: 'fine-grained PAT',
      input: `github_pat_11ABCDEFG0123456789_${alnum36}${alnum36}`,
      expected: m('github-token'),
    },
    {
      name: 'private key block',
      input: `key:\n${pem}\nafter`,
      expected: `key:\n${m('private-key')}\nafter`,
    },
    {
      name: 'private key block, JSON-escaped',
      input: JSON.stringify({ k: pem }),
      expected: `{"k":"${m('private-key')}"}`,
    },
    {
      name: 'private key without END (truncated)',
      input: pem.split('\n').slice(0, 2).join('\n'),
      expected: m('private-key'),
    },
    {
      name: 'bearer token',
      input: 'Authorization: Bearer abcdefghijklmnop0123456789',
      expected: `Authorization: Bearer ${m('bearer-token')}`,
    },
    { name: 'JWT', input: `jwt=${jwt};`, expected: `jwt=${m('jwt')};` },
    { name: 'bearer JWT', input: `Bearer ${jwt}`, expected: `Bearer ${m('bearer-token')}` },
    {
      name: 'basic auth header',
      input: 'authorization: Basic dXNlcjpodW50ZXIy',
      expected: `authorization: Basic ${m('basic-auth')}`,
    },
    {
      name: 'AWS access key id',
      input: 'id AKIAIOSFODNN7EXAMPLE.',
      expected: `id ${m('aws-access-key-id')}.`,
    },
    { name: 'AWS STS key id', input: 'ASIAIOSFODNN7EXAMPLE', expected: m('aws-access-key-id') },
    {
      name: 'AWS secret key, env style',
      input: `AWS_SECRET_ACCESS_KEY=${awsSecret}`,
      expected: `AWS_SECRET_ACCESS_KEY=${m('aws-secret-key')}`,
    },
    {
      name: 'AWS secret key, JSON',
      input: `{"secretAccessKey":"${awsSecret}"}`,
      expected: `{"secretAccessKey":"${m('aws-secret-key')}"}`,
    },
    {
      name: 'password in URL',
      input: 'postgres://ko:hunter2pass@db:5432/ko',
      expected: `postgres://ko:${m('url-password')}@db:5432/ko`,
    },
    {
      name: 'token as URL password',
      input: 'https://x-access-token:abc123def456@github.com/o/r.git',
      expected: `https://x-access-token:${m('url-password')}@github.com/o/r.git`,
    },
    {
      name: 'Authorization header in an access-log line, any scheme',
      input: '{"headers":{"authorization":"token abc\\"def","accept":"*/*"}}',
      expected: `{"headers":{"authorization":"${m('http-credential')}","accept":"*/*"}}`,
    },
    {
      name: 'Cookie header',
      input: '{"Cookie":"ko_session=s3ss10n; theme=dark"}',
      expected: `{"Cookie":"${m('http-credential')}"}`,
    },
    {
      name: 'Set-Cookie array',
      input: '{"set-cookie":["ko_session=abc; Path=/; HttpOnly","b=c"],"x":1}',
      expected: `{"set-cookie":["${m('http-credential')}"],"x":1}`,
    },
  ];
  it.each(cases)('$name', ({ input, expected }) => {
    expect(masker.mask(input)).toBe(expected);
  });

  it.each(cases.filter((c) => c.input.startsWith('{')))('$name stays valid JSON', ({ input }) => {
    expect(() => JSON.parse(masker.mask(input)) as unknown).not.toThrow();
  });
});

describe('createMasker: no false positives on ordinary text', () => {
  const masker = createMasker({ secrets: ['correct-horse-battery'] });
  const cases = [
    'merged 3f786850e387550fdab836ed7e6dc881de23001b into main',
    'short sha 3f78685 and tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904',
    'job 123e4567-e89b-12d3-a456-426614174000 finished',
    'https://github.com/octo/repo/pull/42#issuecomment-1',
    'the bearer of this message has basic rights',
    'ghp_short is not a token',
    'a note about secret access keys in general',
    'AKIA alone is not a key',
    'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    '{"level":"info","msg":"GET /readyz 200","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}',
    'authorization: required for this route; cookie: none',
    '{"authorization":"","cookie_policy":"strict"}',
  ];
  it.each(cases)('%s', (input) => {
    expect(masker.mask(input)).toBe(input);
  });
});

describe('createMasker: ids that are not secrets, generated', () => {
  const masker = createMasker({ secrets: ['correct-horse-battery'] });
  const hex = (length: number) =>
    fc.string({
      unit: fc.constantFrom(...'0123456789abcdef'),
      minLength: length,
      maxLength: length,
    });
  it('leaves git SHAs, UUIDs and trace ids alone in log-like lines', () => {
    fc.assert(
      fc.property(hex(40), fc.uuid(), hex(32), hex(16), (sha, uuid, traceId, spanId) => {
        const line = JSON.stringify({
          sha,
          job: uuid,
          trace_id: traceId,
          span_id: spanId,
          msg: `merged ${sha.slice(0, 7)}`,
        });
        expect(masker.mask(line)).toBe(line);
      }),
      { numRuns: 500 },
    );
  });
});

describe('createMasker: configured secret values in every encoding', () => {
  const secret = 'we!rd s3cret/välue';
  const masker = createMasker({ secrets: [secret, undefined, 'tiny'] });
  const cases: { name: string; form: string }[] = [
    { name: 'raw', form: secret },
    { name: 'URL-encoded', form: encodeURIComponent(secret) },
    { name: 'form-encoded', form: encodeURIComponent(secret).replaceAll('%20', '+') },
    { name: 'base64', form: Buffer.from(secret).toString('base64') },
    { name: 'base64url', form: Buffer.from(secret).toString('base64url') },
    { name: 'hex', form: Buffer.from(secret).toString('hex') },
    { name: 'HEX', form: Buffer.from(secret).toString('hex').toUpperCase() },
  ];
  it.each(cases)('$name', ({ form }) => {
    const masked = masker.mask(`before ${form} after`);
    expect(masked).toContain(m('secret'));
    expect(masked).not.toContain(form);
    expect(masked.startsWith('before ')).toBe(true);
    expect(masked.endsWith(' after')).toBe(true);
  });

  it.each([0, 1, 2, 3, 4, 5])(
    'base64 of the secret inside a longer value (prefix of %i bytes)',
    (prefixBytes) => {
      const encoded = Buffer.from(`${'u'.repeat(prefixBytes)}:${secret}`).toString('base64');
      const masked = masker.mask(`Basic ${encoded}`);
      expect(masked).toContain(m('secret'));
      // Left around the marker: at most the characters covering the prefix, one partial
      // character and the padding.
      const left = masked.replace(m('secret'), '');
      expect(left.length).toBeLessThanOrEqual(
        'Basic '.length + Math.ceil(((prefixBytes + 1) * 4) / 3) + 1 + 3,
      );
    },
  );

  it('masks the JSON-escaped form of a value with quotes, backslashes and newlines', () => {
    const awkward = 'line1\nq"uote\\back';
    const line = JSON.stringify({ msg: `value ${awkward}` });
    const masked = createMasker({ secrets: [awkward] }).mask(line);
    expect(masked).toBe(`{"msg":"value ${m('secret')}"}`);
    expect(JSON.parse(masked)).toEqual({ msg: `value ${m('secret')}` });
  });

  it(`ignores configured values shorter than ${MIN_SECRET_LENGTH} characters`, () => {
    expect(masker.mask('a tiny word')).toBe('a tiny word');
    expect(secretForms('tiny')).toEqual([]);
  });

  it('masks a secret that starts like a token shape as one secret', () => {
    const token = `ghs_${alnum36}`;
    expect(createMasker({ secrets: [token] }).mask(`t=${token}`)).toBe(`t=${m('secret')}`);
  });
});

describe('findRanges', () => {
  it('merges overlapping findings into one sorted range', () => {
    const masker = createMasker({ secrets: ['abcdef-123456'] });
    const ranges = masker.findRanges('x abcdef-123456-abcdef-123456 y');
    expect(ranges.map(({ start, end }) => [start, end])).toEqual([
      [2, 15],
      [16, 29],
    ]);
  });

  it('returns nothing when there is nothing to look for', () => {
    expect(createMasker({ patterns: [] }).findRanges('ghp_whatever')).toEqual([]);
  });
});
