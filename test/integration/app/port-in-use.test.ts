import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KoError } from '../../../contracts/errors.ts';
import { readEnvOptions } from '../../../src/config/read-env-options.ts';
import { startApp } from '../../../src/start-app.ts';
import { createLogger } from '../../../src/telemetry/logger.ts';
import { freePort, generatePrivateKey } from './app-fixtures.ts';

let dir: string;
let blocker: Server;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ko-port-'));
  port = await freePort();
  blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => blocker.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('startApp on a port that is taken', () => {
  it('fails with a PRECONDITION error naming PORT', async () => {
    const options = readEnvOptions(
      {
        APP_ID: '1',
        PRIVATE_KEY: generatePrivateKey(),
        WEBHOOK_SECRET: 'port-test-secret',
        PORT: String(port),
        HOST: '127.0.0.1',
      },
      dir,
    );
    const logger = createLogger({
      service: 'ko-app',
      level: 'silent',
      primary: { write: () => undefined },
    });
    const error = await startApp(options, { logger }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(KoError);
    expect((error as KoError).code).toBe('PORT_IN_USE');
    expect((error as KoError).exitCode).toBe(10);
    expect((error as KoError).toUserMessage()).toContain('set PORT to a free port');
  });
});
