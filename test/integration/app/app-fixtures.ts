import { generateKeyPairSync } from 'node:crypto';
import { readEnvOptions } from '../../../src/config/read-env-options.ts';
import { freePort } from '../../../src/demo/start-app-on-sandbox.ts';
import { startApp, type StartedApp } from '../../../src/start-app.ts';
import { createLogger } from '../../../src/telemetry/logger.ts';

/** A free TCP port from the OS (the demo stack's). */
export { freePort };

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
