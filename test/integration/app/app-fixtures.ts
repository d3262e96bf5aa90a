import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:net';

/**
 * A free TCP port from the OS. Probot's Server turns port 0 into 3000, so the app needs a real
 * number (STYLE.md §8); the tiny race between closing and reusing is accepted in tests.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A fresh RSA key in PEM, made at test time: no key is ever committed. */
export function generatePrivateKey(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
}
