import { hostname } from 'node:os';
import {
  destination as pinoDestination,
  pino,
  stdTimeFunctions,
  symbols,
  type DestinationStream,
  type LevelWithSilent,
  type Logger,
} from 'pino';
import {
  createFallbackDestination,
  type FallbackDestination,
  type SinkMode,
} from './fallback-destination.ts';
import { isAccessLineForLoggedResponse } from './logged-responses.ts';
import { createMasker, type Masker } from './mask.ts';

export interface LoggerOptions {
  /** `service` on every line: 'ko-app', 'ko-cli', 'ko-runner'. */
  service: string;
  /** Default 'info'. */
  level?: LevelWithSilent;
  /** Default: stdout through pinoDestination(1) (asynchronous, flushed at exit by pino). */
  primary?: DestinationStream;
  /** JSONL file taking over when the primary sink fails; without it lines are then dropped. */
  fallbackFile?: string;
  /** Values masked wherever they appear (plus their base64, URL-encoded, hex, JSON forms). */
  secrets?: readonly (string | undefined)[];
  /** A ready masker instead of `secrets` (e.g. shared with a stream masker). */
  masker?: Masker;
}

/**
 * The one logger of KO: app, CLI and runner. Every line is one JSON object:
 *
 * | field | meaning |
 * | --- | --- |
 * | `time` | ISO-8601 UTC timestamp |
 * | `level` | label: trace, debug, info, warn, error, fatal |
 * | `service` | 'ko-app', 'ko-cli', 'ko-runner' (OTel `service.name`) |
 * | `name` | component inside the service (Probot adds 'probot', 'http') |
 * | `trace_id`, `span_id` | W3C trace context, 32 and 16 hex (OTel log data model names) |
 * | `corr_id` | correlation id (X-Correlation-Id, ko-v1 `corr_id`) |
 * | `msg`, `err` | message; error as `{ type, message, stack }` |
 *
 * The serialized line is masked (mask.ts) before it reaches any sink, so nested fields and
 * error stacks are covered; if the primary sink fails, lines go to `fallbackFile`.
 *
 * @example const log = createLogger({ service: 'ko-app', secrets: [env.WEBHOOK_SECRET] });
 */
export function createLogger(options: LoggerOptions): Logger {
  const masker = options.masker ?? createMasker({ secrets: options.secrets ?? [] });
  const destination = createFallbackDestination({
    primary: options.primary ?? pinoDestination(1),
    fallbackFile: options.fallbackFile,
    switchLine: (error, file) =>
      `${masker.mask(
        JSON.stringify({
          level: 'warn',
          time: new Date().toISOString(),
          service: options.service,
          name: 'logger',
          msg: file
            ? `primary log sink failed; writing to the fallback file ${file}`
            : 'primary log sink failed and no fallback file is configured; dropping lines',
          err: { type: error.name, message: error.message },
        }),
      )}\n`,
  });
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service, pid: process.pid, hostname: hostname() },
      timestamp: stdTimeFunctions.isoTime,
      messageKey: 'msg',
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        streamWrite: (line) => masker.mask(line),
        logMethod(args, method) {
          if (isAccessLineForLoggedResponse(args[0])) return;
          method.apply(this, args);
        },
      },
    },
    destination,
  );
}

export interface TraceIds {
  trace_id?: string | undefined;
  span_id?: string | undefined;
  corr_id?: string | undefined;
}

/**
 * A child logger whose lines carry the given ids (undefined ones are left out).
 *
 * @example withTrace(log, { trace_id, corr_id }).info('handled');
 */
export function withTrace(logger: Logger, ids: TraceIds): Logger {
  const bindings: Record<string, string> = {};
  if (ids.trace_id) bindings['trace_id'] = ids.trace_id;
  if (ids.span_id) bindings['span_id'] = ids.span_id;
  if (ids.corr_id) bindings['corr_id'] = ids.corr_id;
  return logger.child(bindings);
}

/**
 * Where a logger's lines currently go (for the /readyz log-sink check); undefined for a logger
 * not made by createLogger.
 *
 * @example describeLogSink(log)?.mode // 'primary'
 */
export function describeLogSink(
  logger: Logger,
): { mode: SinkMode; fallbackFile: string | undefined } | undefined {
  const stream = (logger as unknown as Record<symbol, unknown>)[symbols.streamSym] as
    Partial<FallbackDestination> | undefined;
  if (!stream || typeof stream.mode !== 'string') return undefined;
  return { mode: stream.mode, fallbackFile: stream.fallbackFile };
}
