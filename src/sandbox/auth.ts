import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { HttpError } from './http-error.ts';
import type { SandboxState } from './state.ts';

/** GitHub refuses app JWTs that live longer than 10 minutes. */
const MAX_JWT_LIFETIME_S = 600;
/** Clock drift GitHub tolerates on `iat` (it recommends backdating by 60 s). */
const CLOCK_SKEW_S = 60;
const TOKEN_LIFETIME_MS = 60 * 60 * 1000;

function decodePart(part: string | undefined): Record<string, unknown> {
  if (!part) throw new HttpError(401, 'A JSON web token could not be decoded');
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw new HttpError(401, 'A JSON web token could not be decoded');
  }
}

/**
 * Verifies an app JWT (RS256, signed by the app's private key) the way GitHub does: signature,
 * `iss` equal to the app id, `exp` in the future and at most 10 minutes after `iat`.
 *
 * @example verifyAppJwt(jwt, publicKey, 1, Date.now()) // throws HttpError(401) when invalid
 */
export function verifyAppJwt(
  jwt: string,
  publicKey: KeyObject,
  appId: number,
  nowMs: number,
): void {
  const [head, body, sig] = jwt.split('.');
  const header = decodePart(head);
  const claims = decodePart(body);
  if (header.alg !== 'RS256') throw new HttpError(401, "'alg' must be RS256");
  const ok = verify(
    'RSA-SHA256',
    Buffer.from(`${head}.${body}`),
    publicKey,
    Buffer.from(sig ?? '', 'base64url'),
  );
  if (!ok) throw new HttpError(401, 'A JSON web token could not be decoded');
  const now = Math.floor(nowMs / 1000);
  const iat = Number(claims.iat);
  const exp = Number(claims.exp);
  if (String(claims.iss) !== String(appId))
    throw new HttpError(401, "'Issuer' claim ('iss') must be an Integer");
  if (!Number.isFinite(exp) || exp <= now)
    throw new HttpError(
      401,
      "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
    );
  if (!Number.isFinite(iat) || iat > now + CLOCK_SKEW_S)
    throw new HttpError(
      401,
      "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
    );
  if (exp - iat > MAX_JWT_LIFETIME_S)
    throw new HttpError(401, "'Expiration time' claim ('exp') is too far in the future");
}

/** The public half of a PEM private (or public) key. */
export function publicKeyOf(pem: string): KeyObject {
  return createPublicKey(pem);
}

/** Issues an installation access token (`ghs_…`, valid for one hour, as GitHub's are). */
export function issueInstallationToken(
  state: SandboxState,
  installationId: number,
  nowMs: number,
): { token: string; expiresAt: string } {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const token = `ghs_${[...randomBytes(36)].map((b) => alphabet[b % alphabet.length]).join('')}`;
  const expiresAt = new Date(nowMs + TOKEN_LIFETIME_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
  state.tokens[token] = { installationId, expiresAt };
  return { token, expiresAt };
}

/** What an Authorization header proves: an app JWT, an installation token, or nothing. */
export type Credential =
  { kind: 'jwt'; jwt: string } | { kind: 'token'; installationId: number } | { kind: 'none' };

/** Reads `Authorization: Bearer|token <x>`; a three-part value is a JWT, else a token (401 if unknown or expired). */
export function readCredential(
  state: SandboxState,
  header: string | undefined,
  nowMs: number,
): Credential {
  if (!header) return { kind: 'none' };
  const match = /^(?:bearer|token)\s+(\S+)$/i.exec(header.trim());
  if (!match?.[1]) throw new HttpError(401, 'Bad credentials');
  const value = match[1];
  if (value.split('.').length === 3) return { kind: 'jwt', jwt: value };
  const token = state.tokens[value];
  if (!token || Date.parse(token.expiresAt) <= nowMs) throw new HttpError(401, 'Bad credentials');
  return { kind: 'token', installationId: token.installationId };
}
