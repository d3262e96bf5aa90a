import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * GitHub's `X-Hub-Signature-256` value: HMAC-SHA256 of the exact body bytes.
 *
 * @example signPayload('secret', '{"a":1}') // 'sha256=…'
 */
export function signPayload(
  secret: string,
  body: string,
  algorithm: 'sha256' | 'sha1' = 'sha256',
): string {
  return `${algorithm}=${createHmac(algorithm, secret).update(body).digest('hex')}`;
}

/** Whether `signature` is the sha256 signature of `body` under `secret` (constant time). */
export function verifySignature(secret: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signPayload(secret, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
