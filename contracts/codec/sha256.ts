import { createHash } from 'node:crypto';

/**
 * SHA-256 of some bytes (or UTF-8 text) as 64 lowercase hex digits.
 *
 * @example sha256Hex(Buffer.from('')) // 'e3b0c442…b855'
 */
export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
