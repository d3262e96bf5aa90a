import { createSign, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { publicKeyOf, readCredential, verifyAppJwt } from '../../../src/sandbox/auth.ts';
import { createState } from '../../../src/sandbox/state.ts';
import { signPayload, verifySignature } from '../../../src/sandbox/webhook-signature.ts';

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs1', format: 'pem' })
  .toString();
const NOW = 1_700_000_000;

function sign(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const data = `${enc(header)}.${enc(claims)}`;
  return `${data}.${createSign('RSA-SHA256').update(data).sign(pem).toString('base64url')}`;
}

describe('verifyAppJwt', () => {
  const rs = { alg: 'RS256', typ: 'JWT' };
  const cases: { name: string; jwt: string; ok: boolean }[] = [
    {
      name: 'valid (iat backdated 60 s, 10 min life)',
      jwt: sign(rs, { iss: 12, iat: NOW - 60, exp: NOW + 540 }),
      ok: true,
    },
    {
      name: 'iss as a string (Octokit sends a number or string)',
      jwt: sign(rs, { iss: '12', iat: NOW, exp: NOW + 60 }),
      ok: true,
    },
    { name: 'other app', jwt: sign(rs, { iss: 13, iat: NOW, exp: NOW + 60 }), ok: false },
    { name: 'expired', jwt: sign(rs, { iss: 12, iat: NOW - 120, exp: NOW - 1 }), ok: false },
    {
      name: 'lives longer than 10 minutes',
      jwt: sign(rs, { iss: 12, iat: NOW, exp: NOW + 601 }),
      ok: false,
    },
    {
      name: 'issued in the future',
      jwt: sign(rs, { iss: 12, iat: NOW + 120, exp: NOW + 300 }),
      ok: false,
    },
    { name: 'HS256', jwt: sign({ alg: 'HS256' }, { iss: 12, iat: NOW, exp: NOW + 60 }), ok: false },
    {
      name: 'tampered claims',
      jwt: sign(rs, { iss: 12, iat: NOW, exp: NOW + 60 }).replace(
        /\.[^.]+\./,
        `.${Buffer.from('{"iss":12,"iat":1,"exp":9999999999}').toString('base64url')}.`,
      ),
      ok: false,
    },
    { name: 'garbage', jwt: 'a.b.c', ok: false },
  ];
  it.each(cases)('$name', ({ jwt, ok }) => {
    const run = (): void => verifyAppJwt(jwt, publicKeyOf(pem), 12, NOW * 1000);
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(expect.objectContaining({ status: 401 }));
  });
});

describe('readCredential', () => {
  it('tells JWTs, live tokens, expired tokens and junk apart', () => {
    const state = createState({ appId: 1 });
    state.tokens.ghs_live = {
      installationId: 7,
      expiresAt: new Date((NOW + 60) * 1000).toISOString(),
    };
    state.tokens.ghs_old = {
      installationId: 7,
      expiresAt: new Date((NOW - 60) * 1000).toISOString(),
    };
    const at = NOW * 1000;
    expect(readCredential(state, undefined, at)).toEqual({ kind: 'none' });
    expect(readCredential(state, 'Bearer a.b.c', at)).toEqual({ kind: 'jwt', jwt: 'a.b.c' });
    expect(readCredential(state, 'token ghs_live', at)).toEqual({
      kind: 'token',
      installationId: 7,
    });
    expect(() => readCredential(state, 'token ghs_old', at)).toThrow(
      expect.objectContaining({ status: 401 }),
    );
    expect(() => readCredential(state, 'Basic abc', at)).toThrow(
      expect.objectContaining({ status: 401 }),
    );
  });
});

describe('webhook signatures', () => {
  it('matches GitHub’s documented example and rejects a changed body', () => {
    // From GitHub's "Validating webhook deliveries" docs: secret "It's a Secret to Everybody", body "Hello, World!".
    const expected = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(signPayload("It's a Secret to Everybody", 'Hello, World!')).toBe(expected);
    expect(verifySignature("It's a Secret to Everybody", 'Hello, World!', expected)).toBe(true);
    expect(verifySignature("It's a Secret to Everybody", 'Hello, World?', expected)).toBe(false);
    expect(verifySignature("It's a Secret to Everybody", 'Hello, World!', 'sha256=short')).toBe(
      false,
    );
  });
});
