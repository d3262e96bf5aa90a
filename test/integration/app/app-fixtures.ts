import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:net';
import { readEnvOptions } from '../../../src/config/read-env-options.ts';
import { startApp, type StartedApp } from '../../../src/start-app.ts';
import { createLogger } from '../../../src/telemetry/logger.ts';

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

/**
 * The real app in-process on a free port with a fresh key, logging to `onLine` (one JSON line
 * per call). The caller stops it and removes `dataDir`.
 */
export async function startTestApp(args: {
  webhookSecret: string;
  dataDir: string;
  onLine: (line: string) => void;
  version?: string;
}): Promise<StartedApp> {
  const options = readEnvOptions(
    {
      APP_ID: '1',
      PRIVATE_KEY: generatePrivateKey(),
      WEBHOOK_SECRET: args.webhookSecret,
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
    },
    args.dataDir,
  );
  const logger = createLogger({
    service: 'ko-app',
    secrets: [args.webhookSecret],
    primary: { write: args.onLine },
  });
  return startApp(options, { logger, ...(args.version ? { version: args.version } : {}) });
}
