import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KoError } from '../../../contracts/errors.ts';
import {
  DEFAULTS,
  OPTION_DESCRIPTIONS,
  readEnvOptions,
} from '../../../src/config/read-env-options.ts';

// Generated per run: no key is ever committed.
const pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const dir = mkdtempSync(join(tmpdir(), 'ko-config-'));
const keyFile = join(dir, 'key.pem');
writeFileSync(keyFile, pem);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const app = { APP_ID: '42', PRIVATE_KEY: pem, WEBHOOK_SECRET: 'whsec-123456' };

function errorOf(env: NodeJS.ProcessEnv): KoError {
  try {
    readEnvOptions(env, dir);
  } catch (error) {
    if (error instanceof KoError) return error;
    throw error;
  }
  throw new Error('expected readEnvOptions to throw');
}

describe('readEnvOptions', () => {
  it('applies the documented defaults', () => {
    const options = readEnvOptions(app, dir);
    expect(options).toMatchObject({
      mode: 'app',
      appId: 42,
      port: DEFAULTS.port,
      host: DEFAULTS.host,
      logLevel: 'info',
      demo: false,
      webhookPath: '/api/github/webhooks',
      baseUrl: 'https://api.github.com',
      dataDir: join(dir, '.ko'),
      logFallbackFile: join(dir, '.ko', 'logs', 'fallback.jsonl'),
      extraSecrets: [],
    });
  });

  it('reads every option', () => {
    const options = readEnvOptions(
      {
        APP_ID: '7',
        PRIVATE_KEY_PATH: keyFile,
        WEBHOOK_SECRET: 'whsec-123456',
        GHE_HOST: 'localhost:3100',
        GHE_PROTOCOL: 'http',
        PORT: '4000',
        HOST: '0.0.0.0',
        LOG_LEVEL: 'debug',
        KO_DEMO: 'true',
        KO_DATA_DIR: 'state',
        KO_LOG_FALLBACK_FILE: 'logs/x.jsonl',
        KO_SECRETS: 'one-secret, two-secret ,',
      },
      dir,
    );
    expect(options).toMatchObject({
      appId: 7,
      privateKey: pem,
      baseUrl: 'http://localhost:3100/api/v3',
      port: 4000,
      host: '0.0.0.0',
      logLevel: 'debug',
      demo: true,
      dataDir: join(dir, 'state'),
      logFallbackFile: join(dir, 'logs', 'x.jsonl'),
      extraSecrets: ['one-secret', 'two-secret'],
    });
  });

  it.each([
    { name: '\\n escapes', value: pem.replaceAll('\n', '\\n') },
    { name: 'base64', value: Buffer.from(pem).toString('base64') },
  ])('accepts PRIVATE_KEY with $name', ({ value }) => {
    expect(readEnvOptions({ ...app, PRIVATE_KEY: value }, dir).privateKey).toBe(pem);
  });

  it('is the setup flow without APP_ID and key, and then needs no webhook secret', () => {
    expect(readEnvOptions({}, dir).mode).toBe('setup');
  });

  it('refuses to start without WEBHOOK_SECRET outside setup and demo mode', () => {
    const error = errorOf({ APP_ID: '42', PRIVATE_KEY: pem });
    expect(error.exitCode).toBe(10);
    expect(error.code).toBe('CONFIG_MISSING_WEBHOOK_SECRET');
    expect(error.toUserMessage()).toMatch(/^WEBHOOK_SECRET is not set\. Set WEBHOOK_SECRET/);
  });

  it('starts without WEBHOOK_SECRET in demo mode', () => {
    expect(
      readEnvOptions({ APP_ID: '42', PRIVATE_KEY: pem, KO_DEMO: '1' }, dir).webhookSecret,
    ).toBeUndefined();
  });

  const wrong: { env: Record<string, string | undefined>; variable: string }[] = [
    { env: { ...app, APP_ID: 'abc' }, variable: 'APP_ID' },
    { env: { ...app, APP_ID: undefined }, variable: 'APP_ID' },
    { env: { ...app, PRIVATE_KEY: undefined }, variable: 'PRIVATE_KEY or PRIVATE_KEY_PATH' },
    {
      env: {
        ...app,
        PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\nnope\\n-----END PRIVATE KEY-----',
      },
      variable: 'PRIVATE_KEY',
    },
    {
      env: { ...app, PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: join(dir, 'missing.pem') },
      variable: 'PRIVATE_KEY_PATH',
    },
    { env: { ...app, PORT: '0' }, variable: 'PORT' },
    { env: { ...app, PORT: '70000' }, variable: 'PORT' },
    { env: { ...app, LOG_LEVEL: 'loud' }, variable: 'LOG_LEVEL' },
    { env: { ...app, GHE_PROTOCOL: 'ftp' }, variable: 'GHE_PROTOCOL' },
    { env: { ...app, KO_DEMO: 'yes' }, variable: 'KO_DEMO' },
  ];
  it.each(wrong)('names $variable when it is wrong', ({ env, variable }) => {
    const error = errorOf(env as NodeJS.ProcessEnv);
    expect(error.exitCode).toBe(10);
    expect(error.details).toEqual({ variable });
    expect(error.message.startsWith(variable.split(' ')[0] ?? '')).toBe(true);
  });

  it('describes every variable it reads', () => {
    const source = readFileSync(
      new URL('../../../src/config/read-env-options.ts', import.meta.url),
      'utf8',
    );
    const read = new Set(
      [
        ...source.matchAll(
          /env\[['"]([A-Z_]+)['"]\]|(?:readBoolean|readChoice)\(\s*env,\s*'([A-Z_]+)'/g,
        ),
      ].map((match) => match[1] ?? match[2]),
    );
    expect(read.size).toBeGreaterThan(10);
    expect([...read].sort()).toEqual(OPTION_DESCRIPTIONS.map((option) => option.env).sort());
  });
});
