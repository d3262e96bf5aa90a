import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LevelWithSilent } from 'pino';
import { PreconditionError } from '../../contracts/errors.ts';
import { parseDuration } from './parse-duration.ts';

/**
 * The app's options, read from the environment once at start (STYLE.md §3, like Probot's
 * read-env-options.ts). Everything after this trusts the types.
 */
export interface AppOptions {
  /** 'setup': no APP_ID/PRIVATE_KEY yet, Probot's manifest flow from app.yml. 'app': normal run. */
  mode: 'setup' | 'app';
  appId: number | undefined;
  privateKey: string | undefined;
  webhookSecret: string | undefined;
  webhookPath: string;
  /** GitHub API base URL (api.github.com, or GHE_HOST's /api/v3: the local GitHub stand-in). */
  baseUrl: string;
  gheHost: string | undefined;
  gheProtocol: 'http' | 'https';
  port: number;
  host: string;
  logLevel: LevelWithSilent;
  demo: boolean;
  /** Absolute. */
  dataDir: string;
  /** Absolute. */
  logFallbackFile: string;
  /** Extra values to mask in logs (KO_SECRETS), besides the webhook secret and private key. */
  extraSecrets: string[];
  /** Tokens accepted by the operator exec API under /ko/v1/jobs (KO_OPERATOR_TOKEN). */
  operatorTokens: string[];
  /** Finished jobs older than this (ms) are pruned with their outputs (KO_JOB_RETENTION); null: never. */
  jobRetentionMs: number | null;
  /** Where people reach this app (KO_PUBLIC_URL), no trailing slash; undefined: the listening address. */
  publicUrl: string | undefined;
}

/** Defaults, visible in one place; the descriptions below say what each one means. */
export const DEFAULTS = {
  webhookPath: '/api/github/webhooks',
  gheProtocol: 'https',
  port: 3000,
  host: 'localhost',
  logLevel: 'info',
  demo: false,
  dataDir: '.ko',
  logFallbackFile: '<KO_DATA_DIR>/logs/fallback.jsonl',
  jobRetention: '14d',
} as const;

export interface OptionDescription {
  env: string;
  type: string;
  default: string;
  description: string;
}

/** One row per environment variable; the README's configuration table is checked against it. */
export const OPTION_DESCRIPTIONS: readonly OptionDescription[] = [
  {
    env: 'APP_ID',
    type: 'positive integer',
    default: '(none: setup flow)',
    description:
      "GitHub App id. Without APP_ID and a private key the app serves Probot's manifest setup flow (app.yml).",
  },
  {
    env: 'PRIVATE_KEY',
    type: 'PEM (\\n escapes or base64 allowed)',
    default: '(none)',
    description: 'The GitHub App private key.',
  },
  {
    env: 'PRIVATE_KEY_PATH',
    type: 'path',
    default: '(none)',
    description: 'File holding the private key, used when PRIVATE_KEY is not set.',
  },
  {
    env: 'WEBHOOK_SECRET',
    type: 'string',
    default: '(required outside setup and demo mode)',
    description:
      'Secret GitHub signs webhooks with. KO refuses to start without it (exit 10) instead of using Probot\'s "development".',
  },
  {
    env: 'WEBHOOK_PATH',
    type: 'path',
    default: DEFAULTS.webhookPath,
    description: 'Where webhooks are received.',
  },
  {
    env: 'GHE_HOST',
    type: 'host[:port]',
    default: '(none: github.com)',
    description:
      'GitHub Enterprise host, or the local GitHub stand-in; the API is <GHE_PROTOCOL>://<GHE_HOST>/api/v3.',
  },
  {
    env: 'GHE_PROTOCOL',
    type: 'http | https',
    default: DEFAULTS.gheProtocol,
    description: 'Protocol for GHE_HOST.',
  },
  {
    env: 'PORT',
    type: 'integer 1-65535',
    default: String(DEFAULTS.port),
    description: 'HTTP port (webhooks, health, dashboard, runner WebSocket).',
  },
  {
    env: 'HOST',
    type: 'host',
    default: DEFAULTS.host,
    description: 'Interface to listen on (0.0.0.0 for all).',
  },
  {
    env: 'LOG_LEVEL',
    type: 'trace | debug | info | warn | error | fatal | silent',
    default: DEFAULTS.logLevel,
    description: 'Lowest level written.',
  },
  {
    env: 'KO_DEMO',
    type: '1 | 0 | true | false',
    default: '0',
    description:
      'Demo mode (`ko demo`): WEBHOOK_SECRET may be absent ("development" is used, with a warning).',
  },
  {
    env: 'KO_DATA_DIR',
    type: 'path',
    default: DEFAULTS.dataDir,
    description: 'Folder for state, audit and fallback logs.',
  },
  {
    env: 'KO_LOG_FALLBACK_FILE',
    type: 'path',
    default: DEFAULTS.logFallbackFile,
    description: 'JSONL file log lines go to when stdout fails.',
  },
  {
    env: 'KO_SECRETS',
    type: 'comma-separated strings',
    default: '(none)',
    description: 'Extra values masked in every log line and in `ko mask` output.',
  },
  {
    env: 'KO_OPERATOR_TOKEN',
    type: 'comma-separated strings',
    default: '(none: the exec API answers 503)',
    description:
      'Operator tokens for the exec API under /ko/v1/jobs (several allow rotation). Masked in logs.',
  },
  {
    env: 'KO_JOB_RETENTION',
    type: 'duration (30m, 36h, 14d, 2w) | off',
    default: DEFAULTS.jobRetention,
    description:
      'Finished jobs (completed, rejected, lost, cancelled) older than this are deleted with their outputs, at start and hourly; their idempotency keys are forgotten. At least 1h; `off` keeps everything.',
  },
  {
    env: 'KO_PUBLIC_URL',
    type: 'http(s) URL',
    default: '(none: http://<HOST>:<PORT>)',
    description:
      'Where people reach the app (behind a proxy, its outside address). Cut `/ko exec` replies link <KO_PUBLIC_URL>/ko/v1/jobs/<id>/output.',
  },
];

const LOG_LEVELS: readonly LevelWithSilent[] = [
  'trace',
  'debug',
  'info',
  'warn',
  'error',
  'fatal',
  'silent',
];

/**
 * Reads and validates the environment. Throws a PreconditionError naming the variable at the
 * first problem (exit code 10).
 *
 * @example const options = readEnvOptions(process.env);
 */
export function readEnvOptions(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): AppOptions {
  const appId = readAppId(env);
  const privateKey = readPrivateKey(env, cwd);
  const demo = readBoolean(env, 'KO_DEMO', DEFAULTS.demo);
  if ((appId === undefined) !== (privateKey === undefined)) {
    const missing = appId === undefined ? 'APP_ID' : 'PRIVATE_KEY or PRIVATE_KEY_PATH';
    throw invalid(
      missing,
      `${missing} is not set while ${appId === undefined ? 'a private key' : 'APP_ID'} is`,
      'set both (the setup flow writes them to .env), or neither to run the setup flow',
    );
  }
  const mode = appId === undefined ? 'setup' : 'app';
  const webhookSecret = nonEmpty(env['WEBHOOK_SECRET']);
  if (mode === 'app' && !demo && webhookSecret === undefined) {
    throw new PreconditionError('CONFIG_MISSING_WEBHOOK_SECRET', 'WEBHOOK_SECRET is not set', {
      hint: 'Set WEBHOOK_SECRET to the webhook secret of your GitHub App (KO will not fall back to Probot\'s "development"), or set KO_DEMO=1 for the local demo',
    });
  }
  const gheProtocol = readChoice(
    env,
    'GHE_PROTOCOL',
    ['http', 'https'] as const,
    DEFAULTS.gheProtocol,
  );
  const gheHost = nonEmpty(env['GHE_HOST']);
  const dataDir = resolve(cwd, nonEmpty(env['KO_DATA_DIR']) ?? DEFAULTS.dataDir);
  const fallback = nonEmpty(env['KO_LOG_FALLBACK_FILE']);
  return {
    mode,
    appId,
    privateKey,
    webhookSecret,
    webhookPath: nonEmpty(env['WEBHOOK_PATH']) ?? DEFAULTS.webhookPath,
    baseUrl: gheHost ? `${gheProtocol}://${gheHost}/api/v3` : 'https://api.github.com',
    gheHost,
    gheProtocol,
    port: readPort(env),
    host: nonEmpty(env['HOST']) ?? DEFAULTS.host,
    logLevel: readLogLevel(env),
    demo,
    dataDir,
    logFallbackFile: fallback ? resolve(cwd, fallback) : resolve(dataDir, 'logs', 'fallback.jsonl'),
    extraSecrets: splitList(env['KO_SECRETS']),
    operatorTokens: splitList(env['KO_OPERATOR_TOKEN']),
    jobRetentionMs: readJobRetention(env),
    publicUrl: readPublicUrl(env),
  };
}

function readPublicUrl(env: NodeJS.ProcessEnv): string | undefined {
  const raw = nonEmpty(env['KO_PUBLIC_URL'])?.trim();
  if (raw === undefined) return undefined;
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    throw invalid(
      'KO_PUBLIC_URL',
      `KO_PUBLIC_URL must be an http or https URL without query or fragment, got "${raw}"`,
      'set it to the address people open the app at, e.g. https://ko.example.com',
    );
  }
  return url.href.replace(/[/]+$/, '');
}

/**
 * KO_JOB_RETENTION in ms, null for `off`. At least an hour: a lost job still accepts a late
 * result from a runner that comes back, and pruning it would drop that result.
 *
 * @example readJobRetention({ KO_JOB_RETENTION: '7d' }) // 604800000
 */
export function readJobRetention(env: NodeJS.ProcessEnv = process.env): number | null {
  const raw = nonEmpty(env['KO_JOB_RETENTION'])?.trim() ?? DEFAULTS.jobRetention;
  if (raw.toLowerCase() === 'off') return null;
  const ms = parseDuration(raw);
  if (ms === undefined || ms < 3_600_000) {
    throw invalid(
      'KO_JOB_RETENTION',
      `KO_JOB_RETENTION must be a duration of at least 1h (e.g. 14d) or off, got "${raw}"`,
      'set e.g. KO_JOB_RETENTION=14d, or KO_JOB_RETENTION=off to keep finished jobs forever',
    );
  }
  return ms;
}

/**
 * LOG_LEVEL alone, for `ko` commands that need no app options; `fallback` when it is unset.
 *
 * @example readLogLevel({ LOG_LEVEL: 'debug' }, 'warn'); // 'debug'
 */
export function readLogLevel(
  env: NodeJS.ProcessEnv = process.env,
  fallback: LevelWithSilent = DEFAULTS.logLevel,
): LevelWithSilent {
  return readChoice(env, 'LOG_LEVEL', LOG_LEVELS, fallback);
}

function invalid(variable: string, message: string, hint: string): PreconditionError {
  return new PreconditionError('CONFIG_INVALID', message, { hint, details: { variable } });
}

function splitList(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function readAppId(env: NodeJS.ProcessEnv): number | undefined {
  const raw = nonEmpty(env['APP_ID']);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) <= 0) {
    throw invalid(
      'APP_ID',
      `APP_ID must be a positive integer, got "${raw}"`,
      'copy the App ID from the GitHub App settings page',
    );
  }
  return Number(raw);
}

function readPrivateKey(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  const inline = nonEmpty(env['PRIVATE_KEY']);
  const path = nonEmpty(env['PRIVATE_KEY_PATH']);
  let variable = 'PRIVATE_KEY';
  let pem: string;
  if (inline !== undefined) {
    pem = inline.includes('-----BEGIN')
      ? inline.replaceAll('\\n', '\n')
      : Buffer.from(inline, 'base64').toString('utf8');
  } else if (path !== undefined) {
    variable = 'PRIVATE_KEY_PATH';
    try {
      pem = readFileSync(resolve(cwd, path), 'utf8');
    } catch (error) {
      throw new PreconditionError('CONFIG_INVALID', `PRIVATE_KEY_PATH cannot be read: ${path}`, {
        hint: 'point PRIVATE_KEY_PATH at the .pem file downloaded from the GitHub App settings',
        cause: error,
        details: { variable },
      });
    }
  } else {
    return undefined;
  }
  try {
    createPrivateKey(pem);
  } catch (error) {
    throw new PreconditionError(
      'CONFIG_INVALID',
      `${variable} does not hold a valid PEM private key`,
      {
        hint: 'use the .pem from the GitHub App settings (in PRIVATE_KEY, newlines may be written as \\n or the whole key base64-encoded)',
        cause: error,
        details: { variable },
      },
    );
  }
  return pem;
}

function readPort(env: NodeJS.ProcessEnv): number {
  const raw = nonEmpty(env['PORT']);
  if (raw === undefined) return DEFAULTS.port;
  const port = Number(raw);
  // Probot's Server turns 0 into 3000, so 0 cannot mean "any free port" here.
  if (!/^\d+$/.test(raw.trim()) || port < 1 || port > 65_535) {
    throw invalid(
      'PORT',
      `PORT must be an integer from 1 to 65535, got "${raw}"`,
      'pick a free TCP port',
    );
  }
  return port;
}

function readBoolean(env: NodeJS.ProcessEnv, variable: string, fallback: boolean): boolean {
  const raw = nonEmpty(env[variable])?.trim().toLowerCase();
  if (raw === undefined) return fallback;
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw invalid(
    variable,
    `${variable} must be 1, 0, true or false, got "${raw}"`,
    `set ${variable}=1 or remove it`,
  );
}

function readChoice<T extends string>(
  env: NodeJS.ProcessEnv,
  variable: string,
  choices: readonly T[],
  fallback: T,
): T {
  const raw = nonEmpty(env[variable])?.trim();
  if (raw === undefined) return fallback;
  const choice = choices.find((candidate) => candidate === raw.toLowerCase());
  if (choice === undefined) {
    throw invalid(
      variable,
      `${variable} must be one of ${choices.join(', ')}, got "${raw}"`,
      `set ${variable} to one of: ${choices.join(', ')}`,
    );
  }
  return choice;
}
