import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, hostname, platform, release } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { KoError } from '../../contracts/errors.ts';
import type { KoFrameByType } from '../../contracts/ko-v1/generated/frames.ts';
import type {
  ExecRejectedBody,
  ExecResultBody,
  HelloBody,
} from '../../contracts/ko-v1/generated/ko-v1.ts';
import { JobCancel } from './executor/job-cancel.ts';
import { HubConnection } from './hub-connection.ts';
import { runJob } from './job-run.ts';
import { lostJobResult } from './recover-spool.ts';
import type { ExecutePort, GuardPort, SandboxPort, TextTransformFactory } from './runner-ports.ts';
import { Spool } from './spool.ts';
import { createFrame } from './wire.ts';

interface RunnerDaemonOptions {
  server: string;
  token: string;
  /** Repository root: jobs run inside it and nowhere else. */
  root: string;
  /** Runner-owned folder: spool, job scripts, runner id. */
  dataDir: string;
  name?: string;
  labels?: string[];
  capabilities?: string[];
  concurrency?: number;
  /** The runner's own half of apply; without it every job is a dry run. */
  apply?: boolean;
  pwshPath: string;
  passEnv?: readonly string[];
  shellVersion?: string;
  execute: ExecutePort;
  guard: GuardPort;
  sandbox: SandboxPort;
  transformText?: TextTransformFactory;
  logger: Logger;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  startRetryBaseMs?: number;
  /** First re-send of an unacknowledged result; doubles up to resultRetryMaxMs. Default 10 s. */
  resultRetryMs?: number;
  resultRetryMaxMs?: number;
  /** Active re-sends stop after this (the result stays spooled and goes out on every reconnect). Default 7 days. */
  resultRetryForMs?: number;
  flushIntervalMs?: number;
  /** Grace between the polite stop and the kill when a job is cancelled. Default 5 s. */
  cancelGraceMs?: number;
}

interface RunningJob {
  abort: AbortController;
  done: Promise<void>;
}

interface UnackedResult {
  body: ExecResultBody;
  /** The request's trace, so the result (and its resends) stay in the job's trace. */
  traceId: string | undefined;
  attempts: number;
  nextAt: number;
  since: number;
}

/**
 * The runner: connection, request checks (capabilities, sandbox, guard — all on this side),
 * execution, the spool, result delivery until acked, drain and cancel.
 *
 * @example
 * const daemon = new RunnerDaemon({ server, token, root, dataDir, pwshPath, execute, guard, sandbox, logger });
 * daemon.start(); ... daemon.drain(); await daemon.idle(); await daemon.stop();
 */
export class RunnerDaemon {
  readonly connection: HubConnection;
  readonly spool: Spool;
  readonly #o: RunnerDaemonOptions;
  readonly #log: Logger;
  readonly #running = new Map<string, RunningJob>();
  readonly #unacked = new Map<string, UnackedResult>();
  readonly #runnerId: string;
  readonly #capabilities: string[];
  #draining = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #idleWaiters: (() => void)[] = [];

  constructor(options: RunnerDaemonOptions) {
    this.#o = options;
    this.#log = options.logger;
    mkdirSync(options.dataDir, { recursive: true });
    this.spool = new Spool(join(options.dataDir, 'spool'));
    this.#runnerId = loadRunnerId(options.dataDir);
    this.#capabilities = [
      ...new Set([
        'pwsh7',
        `os.${platform() === 'win32' ? 'windows' : platform()}`,
        'chunk.stream',
        ...(options.capabilities ?? []),
      ]),
    ].sort();
    this.connection = new HubConnection({
      url: options.server,
      token: options.token,
      logger: options.logger,
      hello: () => this.#hello(),
      ...(options.backoffBaseMs !== undefined ? { backoffBaseMs: options.backoffBaseMs } : {}),
      ...(options.backoffMaxMs !== undefined ? { backoffMaxMs: options.backoffMaxMs } : {}),
    });
    this.connection.runningJobs = () => [...this.#running.keys()];
    this.connection.on('ready', () => this.#onReady());
    this.connection.on(
      'frame',
      (frame) =>
        void this.#onFrame(frame).catch((error: unknown) =>
          this.#log.error({ err: error }, 'frame handling failed'),
        ),
    );
  }

  get draining(): boolean {
    return this.#draining;
  }

  get runningJobIds(): string[] {
    return [...this.#running.keys()];
  }

  start(): void {
    this.#recoverSpool();
    this.connection.start();
    this.#retryTimer = setInterval(() => this.#retryResults(), 1_000);
  }

  /** First signal: take no new jobs; running ones finish and deliver. */
  drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    this.#log.info({ running: this.#running.size }, 'draining: no new jobs');
    this.#checkIdle();
  }

  /** Second signal: cancel running jobs (graceful stop, then kill after the grace period). */
  cancelAll(reason = 'runner shutting down'): void {
    this.drain();
    for (const [jobId, job] of this.#running) {
      this.#log.warn({ job_id: jobId }, 'cancelling job');
      job.abort.abort(new JobCancel(reason, this.#o.cancelGraceMs));
    }
  }

  /** Resolves when no job runs and every result was acknowledged. */
  idle(): Promise<void> {
    if (this.#running.size === 0 && this.#unacked.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.#draining = true; // from here every request is refused, so a clean close leaves nothing half-taken
    clearInterval(this.#retryTimer);
    for (const job of this.#running.values()) job.abort.abort(new Error('runner stopping'));
    await Promise.allSettled([...this.#running.values()].map((j) => j.done));
    await this.connection.stop();
    this.spool.close();
  }

  #hello(): HelloBody {
    return {
      runner_id: this.#runnerId,
      name: this.#o.name ?? hostname(),
      version: '0.1.0',
      os: { platform: platform(), release: release(), arch: arch() },
      shell: { name: 'pwsh', version: this.#o.shellVersion ?? 'unknown' },
      capabilities: this.#capabilities,
      labels: [...new Set((this.#o.labels ?? []).map((l) => l.toLowerCase()))],
      concurrency: this.#o.concurrency ?? 1,
      resume_jobs: this.spool
        .list()
        .slice(0, 1000)
        .map((job) => ({
          job_id: job.jobId,
          last_seq_sent: job.lastSeq,
          has_result: job.result !== undefined,
        })),
    };
  }

  /** At start: results not yet acked go out again; a job that was running when the runner died is reported lost. */
  #recoverSpool(): void {
    for (const job of this.spool.list()) {
      if (job.result) {
        this.#queueResult(job.result, false);
        continue;
      }
      // The process that ran it died with the previous runner; say so instead of guessing.
      const result = lostJobResult(this.spool, job.jobId);
      this.spool
        .finish(job.jobId, result)
        .catch((error: unknown) =>
          this.#log.error({ err: error, job_id: job.jobId }, 'spool write failed'),
        );
      this.#queueResult(result, false);
    }
  }

  #onReady(): void {
    // Resume: results not acked yet go out again now; missing chunks are fetched by the hub with chunk.nack.
    for (const [jobId, entry] of this.#unacked) {
      this.#sendResult(jobId, entry.body, entry.traceId);
      entry.nextAt = Date.now() + (this.#o.resultRetryMs ?? 10_000);
    }
  }

  async #onFrame(frame: KoFrameByType[keyof KoFrameByType]): Promise<void> {
    switch (frame.type) {
      case 'exec.request':
        return this.#onRequest(frame);
      case 'exec.cancel': {
        const job = this.#running.get(frame.body.job_id);
        if (job) {
          this.#log.info(
            { job_id: frame.body.job_id, reason: frame.body.reason },
            'cancel requested by hub',
          );
          job.abort.abort(new JobCancel(frame.body.reason, frame.body.grace_ms));
        }
        return;
      }
      case 'chunk.nack':
        return this.#onNack(frame);
      case 'ack':
        return this.#onAck(frame);
      default:
        return;
    }
  }

  #reject(frame: KoFrameByType['exec.request'], body: Omit<ExecRejectedBody, 'job_id'>): void {
    this.#log.warn(
      { job_id: frame.body.job_id, code: body.reason_code, message: body.message },
      'job rejected',
    );
    this.connection.send(
      createFrame(
        'exec.rejected',
        { job_id: frame.body.job_id, ...body },
        { corr_id: frame.corr_id, trace_id: frame.trace_id },
      ),
    );
  }

  async #onRequest(frame: KoFrameByType['exec.request']): Promise<void> {
    const body = frame.body;
    const jobId = body.job_id;
    const opts = { corr_id: frame.corr_id, trace_id: frame.trace_id };
    if (this.spool.has(jobId)) {
      // The same job again (a resend after a reconnect): never run it twice.
      const result = this.spool.result(jobId);
      if (result) return this.#sendResult(jobId, result, frame.trace_id);
      await this.spool.whenBegun(jobId);
      this.connection.send(createFrame('exec.accepted', { job_id: jobId }, opts));
      return;
    }
    if (this.#draining)
      return this.#reject(frame, {
        reason_code: 'RUNNER_DRAINING',
        message: 'the runner is draining and takes no new jobs',
      });
    if (this.#running.size >= (this.#o.concurrency ?? 1))
      return this.#reject(frame, {
        reason_code: 'RUNNER_BUSY',
        message: 'the runner is at its concurrency limit',
      });
    const missing = (frame.capabilities ?? []).filter((c) => !this.#capabilities.includes(c));
    if (missing.length > 0)
      return this.#reject(frame, {
        reason_code: 'CAPABILITY_MISSING',
        message: `this runner lacks ${missing.join(', ')}`,
      });

    let cwd: string;
    try {
      cwd = await this.#o.sandbox(this.#o.root, body.working_dir);
    } catch (error) {
      const code = error instanceof KoError ? error.code : 'SANDBOX_ESCAPE';
      return this.#reject(frame, {
        reason_code: /^[A-Z][A-Z0-9_]*$/.test(code) ? code : 'SANDBOX_ESCAPE',
        message: (error as Error).message.slice(0, 2000),
      });
    }
    // The runner enforces its own guard; whatever the app decided is not trusted.
    const decision = await this.#o.guard(body.command, { root: this.#o.root, cwd });
    this.#log.info(
      {
        job_id: body.job_id,
        verdict: decision.verdict,
        rule: decision.rule,
        engine: decision.engine,
      },
      'guard decision',
    );
    const guard = {
      verdict: decision.verdict === 'approval' ? ('needs_approval' as const) : decision.verdict,
      rule: decision.rule.slice(0, 200) || 'unknown',
      reason: decision.reason.slice(0, 2000),
    };
    if (decision.verdict === 'deny')
      return this.#reject(frame, {
        reason_code: 'GUARD_DENIED',
        message: `the runner guard denies this command: ${decision.reason}`.slice(0, 2000),
        guard,
      });
    if (decision.verdict === 'approval') {
      if (body.approval === undefined)
        return this.#reject(frame, {
          reason_code: 'GUARD_APPROVAL_REQUIRED',
          message:
            `this command needs a second person's approval (${guard.rule}: ${decision.reason})`.slice(
              0,
              2000,
            ),
          guard,
        });
      // The binding covers the exact text, so a variant (case, backticks) of an approved command
      // does not ride on that approval.
      if (
        decision.approvalBindingSha256 === undefined ||
        body.approval.binding_sha256 !== decision.approvalBindingSha256
      )
        return this.#reject(frame, {
          reason_code: 'GUARD_APPROVAL_MISMATCH',
          message: `approval ${body.approval.id} was given for a different command than this one; the exact command needs its own approval`,
          guard,
        });
      this.#log.info(
        {
          job_id: jobId,
          approval_id: body.approval.id,
          approved_by: body.approval.approved_by,
          rule: guard.rule,
        },
        'guard wants approval; the job carries a matching one',
      );
    }
    if (this.#draining || this.#running.size >= (this.#o.concurrency ?? 1)) {
      return this.#reject(frame, {
        reason_code: 'RUNNER_BUSY',
        message: 'the runner is at its concurrency limit',
      });
    }

    // Spool (durably) before accepting and running: a runner that accepted a job can always
    // account for it, even after a host crash, so the hub never hands it to another runner.
    // The slot is taken now; the fdatasync runs in the background meanwhile.
    const abort = new AbortController();
    const done = this.spool.begin(jobId, body).then(
      () => {
        this.connection.send(createFrame('exec.accepted', { job_id: jobId }, opts));
        return this.#run(frame, cwd, abort);
      },
      (error: unknown) => {
        this.#log.error({ err: error, job_id: jobId }, 'could not spool the job; refusing it');
        this.#running.delete(jobId);
        this.#reject(frame, {
          reason_code: 'SPOOL_WRITE_FAILED',
          message:
            `the runner could not write the job to its spool: ${(error as Error).message}`.slice(
              0,
              2000,
            ),
        });
        this.#checkIdle();
      },
    );
    this.#running.set(jobId, { abort, done });
  }

  async #run(
    frame: KoFrameByType['exec.request'],
    cwd: string,
    abort: AbortController,
  ): Promise<void> {
    const jobId = frame.body.job_id;
    const log = this.#log.child({
      job_id: jobId,
      trace_id: frame.trace_id,
      ...(frame.body.approval ? { approval_id: frame.body.approval.id } : {}),
    });
    try {
      const result = await runJob({
        request: frame.body,
        cwd,
        root: this.#o.root,
        runnerApply: this.#o.apply ?? false,
        pwshPath: this.#o.pwshPath,
        ...(this.#o.passEnv ? { passEnv: this.#o.passEnv } : {}),
        dataDir: this.#o.dataDir,
        chunkSizeBytes: this.connection.welcome?.chunk_size_bytes ?? 200_000,
        omitEmptyStreams: this.connection.welcome?.omit_empty_streams === true,
        flushIntervalMs: this.#o.flushIntervalMs ?? 100,
        startRetryBaseMs: this.#o.startRetryBaseMs ?? 1_000,
        ...(this.#o.cancelGraceMs !== undefined ? { graceMs: this.#o.cancelGraceMs } : {}),
        execute: this.#o.execute,
        ...(this.#o.transformText ? { transformText: this.#o.transformText } : {}),
        signal: abort.signal,
        emitChunk: (chunk) => {
          this.spool.appendChunk(jobId, chunk);
          this.connection.send(
            createFrame('exec.chunk', chunk, { corr_id: jobId, trace_id: frame.trace_id }),
          );
        },
        logger: log,
      });
      // Sent while the spool syncs it: the hub acks only once its own copy is durable.
      this.spool
        .finish(jobId, result)
        .catch((error: unknown) => log.error({ err: error }, 'spool write of the result failed'));
      log.info(
        { status: result.status, exit_code: result.exit_code, duration_ms: result.duration_ms },
        'job finished',
      );
      this.#queueResult(result, true, frame.trace_id);
    } catch (error) {
      log.error({ err: error }, 'job run crashed');
    } finally {
      this.#running.delete(jobId);
      this.#checkIdle();
    }
  }

  #queueResult(body: ExecResultBody, sendNow: boolean, traceId?: string): void {
    const now = Date.now();
    this.#unacked.set(body.job_id, {
      body,
      traceId,
      attempts: 0,
      nextAt: now + (this.#o.resultRetryMs ?? 10_000),
      since: now,
    });
    if (sendNow) this.#sendResult(body.job_id, body, traceId);
  }

  #sendResult(jobId: string, body: ExecResultBody, traceId?: string): void {
    this.connection.send(
      createFrame('exec.result', body, {
        corr_id: jobId,
        idempotency_key: `${jobId}.result`,
        ...(traceId ? { trace_id: traceId } : {}),
      }),
    );
  }

  #retryResults(): void {
    if (!this.connection.ready) return;
    const now = Date.now();
    const base = this.#o.resultRetryMs ?? 10_000;
    const max = this.#o.resultRetryMaxMs ?? 300_000;
    const forMs = this.#o.resultRetryForMs ?? 7 * 24 * 3600_000;
    for (const [jobId, entry] of this.#unacked) {
      if (entry.nextAt > now || now - entry.since > forMs) continue;
      entry.attempts += 1;
      entry.nextAt = now + Math.min(max, base * 2 ** entry.attempts);
      this.#log.info(
        { job_id: jobId, attempt: entry.attempts },
        'result not acknowledged yet; sending again',
      );
      this.#sendResult(jobId, entry.body, entry.traceId);
    }
  }

  #onNack(frame: KoFrameByType['chunk.nack']): void {
    const jobId = frame.body.job_id;
    if (!jobId || !this.spool.has(jobId)) return;
    const stream = frame.body.transfer_id.endsWith('.stderr') ? 'stderr' : 'stdout';
    const chunks = this.spool.chunks(jobId, stream, frame.body.missing);
    this.#log.info(
      { job_id: jobId, stream, missing: frame.body.missing.length, found: chunks.length },
      'hub re-requested chunks',
    );
    for (const chunk of chunks)
      this.connection.send(createFrame('exec.chunk', chunk, { corr_id: jobId }));
  }

  #onAck(frame: KoFrameByType['ack']): void {
    const jobId = frame.body.job_id;
    if (!jobId || this.#running.has(jobId)) return;
    if (!this.#unacked.has(jobId) && !this.spool.has(jobId)) return;
    this.#unacked.delete(jobId);
    this.spool.remove(jobId);
    this.#log.debug(
      { job_id: jobId, duplicate: frame.body.duplicate ?? false },
      'result acknowledged; spool cleared',
    );
    this.#checkIdle();
  }

  #checkIdle(): void {
    if (this.#running.size > 0 || this.#unacked.size > 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function loadRunnerId(dataDir: string): string {
  const file = join(dataDir, 'runner-id');
  if (existsSync(file)) {
    const id = readFileSync(file, 'utf8').trim();
    if (/^[A-Za-z0-9._:-]{1,128}$/.test(id)) return id;
  }
  const id = randomUUID();
  writeFileSync(file, `${id}\n`, { mode: 0o600 });
  return id;
}
