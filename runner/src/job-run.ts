import type { Logger } from 'pino';
import { KoError, TransientError } from '../../contracts/errors.ts';
import type {
  ExecChunkBody,
  ExecRequestBody,
  ExecResultBody,
} from '../../contracts/ko-v1/generated/ko-v1.ts';
import { backoffDelay, sleep } from './backoff.ts';
import type { ExecResult } from './executor/executor-types.ts';
import { OutputChunker } from './output-chunker.ts';
import type { ExecutePort, TextTransformFactory } from './runner-ports.ts';

interface JobRunOptions {
  request: ExecRequestBody;
  /** The resolved, checked working directory. */
  cwd: string;
  root: string;
  /** The runner's own --apply. */
  runnerApply: boolean;
  pwshPath: string;
  /** Extra runner environment names the job may see (the executor filters secrets anyway). */
  passEnv?: readonly string[];
  dataDir: string;
  chunkSizeBytes: number;
  /** The hub takes 0-chunk streams (welcome.omit_empty_streams): empty streams send nothing. */
  omitEmptyStreams: boolean;
  /** How often buffered output goes out while the command runs. */
  flushIntervalMs: number;
  /** First delay of the start retries (TRANSIENT failures only). */
  startRetryBaseMs: number;
  /** Grace before the kill on timeout and on a cancel that names none (the executor's graceMs). */
  graceMs?: number;
  execute: ExecutePort;
  transformText?: TextTransformFactory;
  signal: AbortSignal;
  emitChunk: (chunk: ExecChunkBody) => void;
  logger: Logger;
}

/** Retries after the first try for a job that could not be started: DESIGN.md's 3 for TRANSIENT. */
const START_RETRIES = 3;
const TRANSIENT_ERRNOS = new Set(['EAGAIN', 'EMFILE', 'ENFILE', 'EBUSY', 'ETXTBSY', 'ENOMEM']);

function isTransientStartFailure(error: unknown): boolean {
  if (error instanceof KoError) return error.exitClass === 'TRANSIENT';
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && TRANSIENT_ERRNOS.has(code);
}

/**
 * Runs one accepted job to its exec.result body: dry-run unless both the job and the runner
 * say apply, otherwise the executor with output cut into chunks as it comes. A failure to
 * start that is TRANSIENT is retried 3 times with backoff; a command that ran and failed never is.
 *
 * @example const result = await runJob({ request, cwd, root, runnerApply: false, ... }); // status 'dry_run'
 */
export async function runJob(options: JobRunOptions): Promise<ExecResultBody> {
  const { request } = options;
  const chunkers = {
    stdout: new OutputChunker({
      jobId: request.job_id,
      stream: 'stdout',
      chunkSizeBytes: options.chunkSizeBytes,
      emit: options.emitChunk,
      omitEmpty: options.omitEmptyStreams,
    }),
    stderr: new OutputChunker({
      jobId: request.job_id,
      stream: 'stderr',
      chunkSizeBytes: options.chunkSizeBytes,
      emit: options.emitChunk,
      omitEmpty: options.omitEmptyStreams,
    }),
  };
  const finish = (
    partial: Omit<ExecResultBody, 'job_id' | 'streams'>,
    truncated = { stdout: false, stderr: false },
  ): ExecResultBody => ({
    job_id: request.job_id,
    ...partial,
    streams: {
      stdout: chunkers.stdout.end(truncated.stdout),
      stderr: chunkers.stderr.end(truncated.stderr),
    },
  });

  if (!(request.apply && options.runnerApply)) {
    const why = !request.apply
      ? 'the job did not ask to apply'
      : 'this runner was started without --apply';
    chunkers.stdout.write(
      Buffer.from(
        `[dry-run] ${why}; nothing was run.\n[dry-run] would run in ${options.cwd}:\n${request.command}\n`,
        'utf8',
      ),
    );
    const now = new Date().toISOString();
    return finish({
      status: 'dry_run',
      exit_code: null,
      duration_ms: 0,
      started_at: null,
      finished_at: now,
    });
  }

  const flushTimer = setInterval(() => {
    chunkers.stdout.flush();
    chunkers.stderr.flush();
  }, options.flushIntervalMs);
  const startedAt = Date.now();
  try {
    for (let attempt = 0; ; attempt += 1) {
      let result: ExecResult;
      try {
        result = await options.execute(
          { jobId: request.job_id, command: request.command, cwd: options.cwd, root: options.root },
          {
            pwshPath: options.pwshPath,
            ...(options.passEnv ? { passEnv: options.passEnv } : {}),
            dataDir: options.dataDir,
            timeoutMs: request.timeout_ms,
            signal: options.signal,
            ...(options.graceMs !== undefined ? { graceMs: options.graceMs } : {}),
            outputCapBytes: request.output_cap_bytes,
            onOutput: (stream, data) => chunkers[stream].write(data),
            ...(options.transformText ? { transformText: options.transformText } : {}),
            env: Object.fromEntries(
              Object.entries(request.env).filter((e): e is [string, string] => e[1] !== undefined),
            ),
            logger: options.logger,
          },
        );
      } catch (error) {
        if (isTransientStartFailure(error) && attempt < START_RETRIES && !options.signal.aborted) {
          const delay = backoffDelay(attempt, {
            baseMs: options.startRetryBaseMs,
            maxMs: options.startRetryBaseMs * 8,
          });
          options.logger.warn(
            { err: error, attempt: attempt + 1, delay_ms: delay },
            'job failed to start; retrying',
          );
          await sleep(delay, options.signal).catch(() => undefined);
          continue;
        }
        const ko =
          error instanceof KoError
            ? error
            : new TransientError('SPAWN_FAILED', (error as Error).message ?? String(error));
        options.logger.error({ err: error }, 'job could not be started');
        return finish({
          status: 'failed',
          exit_code: null,
          duration_ms: Date.now() - startedAt,
          started_at: null,
          finished_at: new Date().toISOString(),
          error: {
            code: /^[A-Z][A-Z0-9_]*$/.test(ko.code) ? ko.code : 'SPAWN_FAILED',
            message: ko.message.slice(0, 2000),
          },
        });
      }
      const body: Omit<ExecResultBody, 'job_id' | 'streams'> = {
        status: result.status,
        exit_code: result.exitCode,
        duration_ms: Math.max(0, Math.round(result.durationMs)),
        started_at: result.startedAt,
        finished_at: result.finishedAt,
      };
      if (result.error)
        body.error = { code: result.error.code, message: result.error.message.slice(0, 2000) };
      return finish(body, {
        stdout: result.streams.stdout.truncated,
        stderr: result.streams.stderr.truncated,
      });
    }
  } finally {
    clearInterval(flushTimer);
  }
}
