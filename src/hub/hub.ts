import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { pino, type Logger } from 'pino';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { KoFrameByType } from '../../contracts/ko-v1/generated/frames.ts';
import { PreconditionError } from '../../contracts/errors.ts';
import { backoffDelay } from '../../runner/src/backoff.ts';
import { HUB_DEFAULTS, type HubOptions } from './hub-options.ts';
import { FileJobQueue, newJobId, normalizeSpec, type JobQueue } from './job-queue.ts';
import { TERMINAL_STATES, runnerSatisfies, type Job, type JobSpec } from './job-types.ts';
import { OutputStore, type OutputStream } from './output-store.ts';
import { RunnerSession, effectiveLabels } from './runner-session.ts';
import { RunnerTokenStore } from './runner-tokens.ts';
import { bearerToken, refuseUpgrade } from './upgrade-auth.ts';
import { frameBytesForChunkSize } from '../../contracts/codec/limits.ts';
import { createFrame, decodeFrame, errorFrame, errorFrameFor } from './wire.ts';
import { completeResult } from './result-intake.ts';

type Resolved = Required<
  Omit<HubOptions, 'tokens' | 'queue' | 'logger' | 'operatorTokens' | 'heartbeatTimeoutMs'>
> & {
  heartbeatTimeoutMs: number;
};

/** Rejection codes after which the job goes back to the queue: nothing ran (a TRANSIENT start failure). */
const REQUEUE_REJECTIONS = new Set(['RUNNER_BUSY', 'RUNNER_DRAINING', 'RUNNER_AT_CAPACITY']);
/** DESIGN.md: a TRANSIENT failure to start a job is retried 3 times, with exponential backoff. */
const START_RETRIES = 3;
const START_RETRY_BASE_MS = 1_000;
const MAX_DISPATCH_ATTEMPTS = 5;

/** A summary of a connected runner, for the API and tests. */
interface RunnerInfo {
  runner_id: string;
  name: string;
  labels: string[];
  capabilities: string[];
  concurrency: number;
  active_jobs: string[];
  draining: boolean;
}

/**
 * The ko-v1 hub: runner sessions on an existing http.Server, the job queue, dispatch, output
 * assembly and the job lifecycle. Emits 'job' (Job) on every state change.
 */
export class Hub extends EventEmitter<{ job: [Job] }> {
  readonly queue: JobQueue;
  readonly outputs: OutputStore;
  readonly tokens: RunnerTokenStore;
  readonly options: Resolved;
  readonly operatorTokens: string[];
  readonly #log: Logger;
  readonly #server: Server;
  readonly #wss: WebSocketServer;
  readonly #sessions = new Map<string, RunnerSession>();
  /** Results waiting for re-requested chunks, by job id. */
  readonly pendingResults = new Map<
    string,
    { session: RunnerSession; frame: KoFrameByType['exec.result']; resets: number }
  >();
  readonly #timers: NodeJS.Timeout[] = [];
  #pumping = false;
  #pumpAgain = false;
  #closed = false;
  /** Test hook: drops matching incoming chunk frames before they are handled (chunk-loss tests). */
  dropChunk: ((body: KoFrameByType['exec.chunk']['body']) => boolean) | undefined;

  constructor(server: Server, queue: JobQueue, options: HubOptions) {
    super();
    const heartbeatIntervalMs = options.heartbeatIntervalMs ?? HUB_DEFAULTS.heartbeatIntervalMs;
    this.options = {
      dataDir: options.dataDir,
      path: options.path ?? HUB_DEFAULTS.path,
      chunkSizeBytes: options.chunkSizeBytes ?? HUB_DEFAULTS.chunkSizeBytes,
      maxFrameBytes: options.maxFrameBytes ?? HUB_DEFAULTS.maxFrameBytes,
      heartbeatIntervalMs,
      heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? heartbeatIntervalMs * 3,
      leaseMs: options.leaseMs ?? HUB_DEFAULTS.leaseMs,
      maxConcurrencyPerRunner:
        options.maxConcurrencyPerRunner ?? HUB_DEFAULTS.maxConcurrencyPerRunner,
      defaultTimeoutMs: options.defaultTimeoutMs ?? HUB_DEFAULTS.defaultTimeoutMs,
      outputCapBytes: options.outputCapBytes ?? HUB_DEFAULTS.outputCapBytes,
      cancelGraceMs: options.cancelGraceMs ?? HUB_DEFAULTS.cancelGraceMs,
    };
    this.queue = queue;
    this.tokens =
      options.tokens ?? new RunnerTokenStore(join(options.dataDir, 'runner-tokens.json'));
    this.outputs = new OutputStore(join(options.dataDir, 'outputs'));
    // The environment is read once, in src/config/read-env-options.ts (KO_OPERATOR_TOKEN).
    this.operatorTokens = options.operatorTokens ?? [];
    this.#log = options.logger ?? pino({ enabled: false });
    this.#server = server;
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.options.maxFrameBytes,
      perMessageDeflate: false,
      clientTracking: false,
    });
    server.on('upgrade', this.#onUpgrade);
    this.#timers.push(
      setInterval(
        () => this.#heartbeatTick(),
        Math.min(this.options.heartbeatIntervalMs, 5_000),
      ).unref(),
    );
    this.#timers.push(
      setInterval(
        () => void this.#leaseTick(),
        Math.max(50, Math.min(1_000, this.options.leaseMs / 4)),
      ).unref(),
    );
  }

  // ---- connection -------------------------------------------------------------------------

  readonly #onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://hub.invalid');
    if (url.pathname !== this.options.path) return;
    socket.on('error', (error) => this.#log.debug({ err: error }, 'upgrade socket error'));
    if (this.#closed) return refuseUpgrade(socket, 503, 'hub is shutting down');
    let token;
    try {
      token = this.tokens.verify(bearerToken(req.headers));
    } catch (error) {
      this.#log.error({ err: error }, 'runner token store unreadable');
      return refuseUpgrade(socket, 503, 'runner token store unreadable');
    }
    if (!token) {
      this.#log.warn(
        { remote: req.socket.remoteAddress },
        'runner refused: token missing, unknown or revoked',
      );
      return refuseUpgrade(socket, 401, 'runner token missing, unknown or revoked');
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onConnection(ws, token));
  };

  #onConnection(ws: WebSocket, token: NonNullable<ReturnType<RunnerTokenStore['verify']>>): void {
    const session = new RunnerSession(ws, token, randomUUID());
    const log = this.#log.child({
      runner_id: token.id,
      runner: token.name,
      session_id: session.sessionId,
    });
    log.info('runner connected');
    // A socket that never says hello is not in the session map the heartbeat watches.
    const helloTimer = setTimeout(() => {
      if (!session.profile) {
        log.warn('no hello within the heartbeat timeout; closing');
        ws.close(4001, 'hello expected');
      }
    }, this.options.heartbeatTimeoutMs).unref();
    ws.once('close', () => clearTimeout(helloTimer));
    ws.on('pong', () => {
      session.pongPending = false;
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      session.lastFrameAt = Date.now();
      void this.#onMessage(session, data, isBinary).catch((error: unknown) => {
        log.error({ err: error }, 'frame handling failed');
        session.send(
          errorFrame({
            code: 'KO_INTERNAL',
            message: 'the hub failed to handle the frame',
            retryable: true,
            exit_class: 'TRANSIENT',
          }),
        );
      });
    });
    ws.on('error', (error) => {
      // 1009 (message too big) and protocol errors land here; ws closes the socket itself.
      log.warn({ err: error, code: (error as { code?: string }).code }, 'runner socket error');
    });
    ws.on('close', (code, reason) => {
      log.info({ code, reason: reason.toString() }, 'runner disconnected');
      void this.#onClose(session, code);
    });
  }

  async #onMessage(session: RunnerSession, data: RawData, isBinary: boolean): Promise<void> {
    // ws hands over a Buffer (binaryType 'nodebuffer'); Buffer.from(buffer) would copy it.
    const raw = Buffer.isBuffer(data)
      ? data
      : Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.from(data);
    if (isBinary) {
      session.send(
        errorFrame({
          code: 'KO_MALFORMED',
          message: 'ko-v1 frames are JSON text messages, not binary',
          retryable: false,
          exit_class: 'PRECONDITION',
        }),
      );
      return;
    }
    // A frame larger than a chunk plus envelope should have been chunked; below maxPayload the
    // connection survives and the runner is told (KO_FRAME_TOO_LARGE).
    const decoded = decodeFrame(raw, frameBytesForChunkSize(this.options.chunkSizeBytes));
    if (!decoded.ok) {
      session.send(errorFrameFor(decoded.error, decoded.offendingId));
      return;
    }
    const frame = decoded.frame;
    if (frame.type !== 'hello' && !session.profile) {
      session.send(
        errorFrame(
          {
            code: 'KO_HELLO_REQUIRED',
            message: `${frame.type} before hello`,
            offending_id: frame.id,
            retryable: false,
            exit_class: 'PRECONDITION',
          },
          frame.id,
        ),
      );
      return;
    }
    switch (frame.type) {
      case 'hello':
        return this.#onHello(session, frame);
      case 'heartbeat':
        return;
      case 'exec.accepted':
        return this.#onAccepted(session, frame);
      case 'exec.rejected':
        return this.#onRejected(session, frame);
      case 'exec.chunk':
        return this.#onChunk(session, frame);
      case 'exec.result':
        return completeResult(this, session, frame);
      case 'error':
        this.#log.warn(
          { runner_id: session.runnerId, error: frame.body },
          'runner reported an error',
        );
        return;
      default:
        session.send(
          errorFrame(
            {
              code: 'KO_UNEXPECTED_FRAME',
              message: `a runner does not send ${frame.type}`,
              offending_id: frame.id,
              retryable: false,
              exit_class: 'PRECONDITION',
            },
            frame.id,
          ),
        );
    }
  }

  async #onHello(session: RunnerSession, frame: KoFrameByType['hello']): Promise<void> {
    if (session.profile) {
      session.send(
        errorFrame(
          {
            code: 'KO_HELLO_REPEATED',
            message: 'hello was already received on this connection',
            offending_id: frame.id,
            retryable: false,
          },
          frame.id,
        ),
      );
      return;
    }
    const body = frame.body;
    // One live session per runner: a reconnect replaces a half-open old socket.
    const previous = this.#sessions.get(session.runnerId);
    if (previous && previous !== session) {
      this.#sessions.delete(session.runnerId);
      previous.ws.close(4000, 'replaced by a newer connection');
    }
    session.hello = body;
    session.concurrency = Math.max(
      1,
      Math.min(body.concurrency, this.options.maxConcurrencyPerRunner),
    );
    session.profile = {
      runner_id: session.runnerId,
      capabilities: [...new Set(body.capabilities)].sort(),
      labels: effectiveLabels(session.token.labels, body.labels),
    };
    this.#sessions.set(session.runnerId, session);
    session.send(
      createFrame(
        'welcome',
        {
          session_id: session.sessionId,
          chunk_size_bytes: this.options.chunkSizeBytes,
          heartbeat_interval_ms: this.options.heartbeatIntervalMs,
          max_frame_bytes: this.options.maxFrameBytes,
          server_version: 'ko-hub/0.1.0',
          omit_empty_streams: true,
        },
        { corr_id: frame.id },
      ),
    );
    await this.#resume(
      session,
      body.resume_jobs.map((j) => j.job_id),
    );
    this.pump();
  }

  /** Re-binds the jobs a returning runner still holds, and settles the ones it does not. */
  async #resume(session: RunnerSession, resumeIds: string[]): Promise<void> {
    const listed = new Set(resumeIds);
    for (const jobId of listed) {
      const job = await this.queue.get(jobId);
      if (
        !job ||
        job.runner_id !== session.runnerId ||
        (TERMINAL_STATES.has(job.state) && job.state !== 'lost')
      ) {
        // Applied already, or not this runner's any more: ack so it can drop its spool.
        session.send(
          createFrame('ack', { ack_of: jobId, job_id: jobId, duplicate: true }, { corr_id: jobId }),
        );
        continue;
      }
      if (job.state === 'lost') continue; // a late result may still arrive and is accepted then
      session.active.add(jobId);
      const updated = await this.queue.transition(jobId, ['dispatched', 'running'], {
        lease_expires_at: null,
      });
      if (updated) this.emit('job', updated);
      if (job.cancel_requested)
        this.#sendCancel(session, job, 'cancel requested while the runner was away');
    }
    for (const job of await this.queue.list(['dispatched', 'running'])) {
      if (job.runner_id !== session.runnerId || listed.has(job.id) || session.active.has(job.id))
        continue;
      if (job.state === 'dispatched') {
        // It never reached the runner (the runner spools a request before accepting it): nothing ran.
        await this.#requeueOrEnd(
          job,
          ['dispatched'],
          'cancelled',
          { code: 'DISPATCH_UNDELIVERED', message: 'the runner never received the job' },
          true,
        );
      } else {
        await this.#requeueOrEnd(
          job,
          ['running'],
          'lost',
          { code: 'RUNNER_FORGOT_JOB', message: 'the runner came back without the job' },
          job.spec.idempotent,
        );
      }
    }
  }

  async #onClose(session: RunnerSession, code: number): Promise<void> {
    if (this.#sessions.get(session.runnerId) !== session) return;
    this.#sessions.delete(session.runnerId);
    const until = new Date(Date.now() + this.options.leaseMs).toISOString();
    for (const jobId of session.active) {
      const job = await this.queue.get(jobId);
      if (code === 1000 && job?.state === 'dispatched') {
        // A runner closes cleanly only after draining, and a draining runner accepts nothing:
        // a job it never accepted did not run there.
        await this.#requeueOrEnd(
          job,
          ['dispatched'],
          'cancelled',
          { code: 'RUNNER_STOPPED', message: 'the runner stopped before accepting the job' },
          true,
        );
        continue;
      }
      const updated = await this.queue.transition(jobId, ['dispatched', 'running'], {
        lease_expires_at: until,
      });
      if (updated) this.emit('job', updated);
    }
  }

  #heartbeatTick(): void {
    const now = Date.now();
    for (const session of this.#sessions.values()) {
      if (now - session.lastFrameAt > this.options.heartbeatTimeoutMs || session.pongPending) {
        this.#log.warn(
          { runner_id: session.runnerId },
          'runner missed its heartbeat; marking it gone',
        );
        session.ws.terminate();
        continue;
      }
      session.pongPending = true;
      session.ws.ping();
    }
  }

  async #leaseTick(): Promise<void> {
    const now = Date.now();
    for (const job of await this.queue.list(['dispatched', 'running'])) {
      if (!job.lease_expires_at || Date.parse(job.lease_expires_at) > now) continue;
      const reason = {
        code: 'RUNNER_LOST',
        message: `runner ${job.runner_id ?? '?'} did not return within ${this.options.leaseMs} ms`,
      };
      await this.#requeueOrEnd(job, ['dispatched', 'running'], 'lost', reason, job.spec.idempotent);
    }
  }

  /**
   * Puts a job back in the queue when that is safe, else ends it in `endState`. `cancelled` is the
   * end of a job that never reached its runner (lost before accept): a TRANSIENT start failure,
   * retried 3 times like a refusal; a `lost` idempotent job may run up to 5 times.
   */
  async #requeueOrEnd(
    job: Job,
    from: Job['state'][],
    endState: 'lost' | 'cancelled',
    reason: { code: string; message: string },
    requeue: boolean,
  ): Promise<void> {
    const limit = endState === 'cancelled' ? START_RETRIES + 1 : MAX_DISPATCH_ATTEMPTS;
    const updated =
      requeue && !job.cancel_requested && job.attempts < limit
        ? await this.queue.transition(job.id, from, {
            state: 'queued',
            runner_id: null,
            lease_expires_at: null,
            reason,
          })
        : await this.queue.transition(job.id, from, {
            state: endState,
            lease_expires_at: null,
            reason,
          });
    if (!updated) return;
    this.#log.warn(
      { job_id: job.id, state: updated.state, reason },
      'job taken back from its runner',
    );
    this.emit('job', updated);
    if (updated.state === 'queued') this.pump();
  }

  // ---- lifecycle frames -------------------------------------------------------------------

  async #onAccepted(session: RunnerSession, frame: KoFrameByType['exec.accepted']): Promise<void> {
    // Not waited for on disk: if a crash loses it, the job is 'dispatched' again and the
    // runner's hello.resume_jobs re-binds it just the same.
    const job = await this.queue.transition(
      frame.body.job_id,
      ['dispatched'],
      { state: 'running' },
      { durable: false },
    );
    if (job && job.runner_id === session.runnerId) this.emit('job', job);
  }

  async #onRejected(session: RunnerSession, frame: KoFrameByType['exec.rejected']): Promise<void> {
    const { job_id: jobId, reason_code: code, message, guard } = frame.body;
    const job = await this.queue.get(jobId);
    if (!job || job.runner_id !== session.runnerId) return;
    session.active.delete(jobId);
    if (code === 'RUNNER_DRAINING') session.draining = true;
    if (code === 'RUNNER_BUSY') {
      // That runner gets nothing for a while, longer after each refusal of this job (about 1, 2,
      // 4 s); another runner with a free slot may take the job meanwhile.
      const delay = backoffDelay(job.attempts - 1, {
        baseMs: START_RETRY_BASE_MS,
        maxMs: START_RETRY_BASE_MS * 8,
      });
      session.busyUntil = Date.now() + delay;
      setTimeout(() => this.pump(), delay + 50).unref();
    }
    let updated: Job | undefined;
    const transient = REQUEUE_REJECTIONS.has(code);
    if (transient && job.attempts <= START_RETRIES && !job.cancel_requested) {
      updated = await this.queue.transition(jobId, ['dispatched'], {
        state: 'queued',
        runner_id: null,
        reason: { code, message },
      });
    } else {
      const detail = guard
        ? `${message} (guard ${guard.verdict}: ${guard.rule}: ${guard.reason})`
        : transient && !job.cancel_requested
          ? `${message} (gave up after ${job.attempts} attempts)`
          : message;
      updated = await this.queue.transition(jobId, ['dispatched', 'running'], {
        state: 'rejected',
        reason: { code, message: detail },
      });
    }
    if (updated) this.emit('job', updated);
    this.pump();
  }

  async #onChunk(session: RunnerSession, frame: KoFrameByType['exec.chunk']): Promise<void> {
    const body = frame.body;
    if (this.dropChunk?.(body)) return;
    if (body.stream === 'frame' || !body.job_id) {
      session.send(
        errorFrame(
          {
            code: 'KO_UNSUPPORTED',
            message: 'this hub takes no chunked frames from runners; only job output',
            offending_id: frame.id,
            retryable: false,
          },
          frame.id,
        ),
      );
      return;
    }
    const job = await this.queue.get(body.job_id);
    if (
      !job ||
      job.runner_id !== session.runnerId ||
      (TERMINAL_STATES.has(job.state) && job.state !== 'lost')
    )
      return; // stale resend
    const outcome = this.outputs.accept(job.id, body);
    if (outcome === 'bad_hash') {
      session.send(
        createFrame(
          'chunk.nack',
          { transfer_id: body.transfer_id, job_id: job.id, missing: [body.seq] },
          { corr_id: job.id },
        ),
      );
      return;
    }
    const pending = this.pendingResults.get(job.id);
    if (pending && outcome === 'stored') await completeResult(this, pending.session, pending.frame);
  }

  // ---- dispatch -----------------------------------------------------------------------------

  /** Hands queued jobs to runners with free slots; safe to call any time. */
  pump(): void {
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    void this.#pumpLoop()
      .catch((error: unknown) => this.#log.error({ err: error }, 'dispatch failed'))
      .finally(() => {
        this.#pumping = false;
        if (this.#pumpAgain) {
          this.#pumpAgain = false;
          this.pump();
        }
      });
  }

  async #pumpLoop(): Promise<void> {
    do {
      this.#pumpAgain = false;
      // Cheap checks first: this runs after every result, mostly with nothing queued.
      if (!this.#hasFreeRunner()) return;
      const queued = await this.queue.list(['queued']);
      if (queued.length === 0) return;
      const now = Date.now();
      const free = [...this.#sessions.values()].filter((s) => s.isOpen && s.freeSlots(now) > 0);
      // Claims go out together so the queue's group commit turns them into a few fsyncs.
      const claims: Promise<void>[] = [];
      for (const job of queued) {
        if (free.length === 0) break;
        const index = free.findIndex((s) => runnerSatisfies(job, s.profile!));
        if (index < 0) continue;
        const session = free[index]!;
        session.active.add(job.id); // reserve the slot before the write resolves
        free.splice(index, 1);
        if (session.freeSlots(now) > 0) free.push(session); // rotate: equal runners share the work
        claims.push(
          this.queue
            .transition(job.id, ['queued'], {
              state: 'dispatched',
              runner_id: session.runnerId,
              attempts: job.attempts + 1,
              reason: null,
            })
            .then((claimed) => {
              if (!claimed) {
                session.active.delete(job.id);
                return;
              }
              this.emit('job', claimed);
              this.#sendRequest(session, claimed);
            }),
        );
      }
      await Promise.all(claims);
    } while (this.#pumpAgain);
  }

  #hasFreeRunner(): boolean {
    const now = Date.now();
    for (const session of this.#sessions.values())
      if (session.isOpen && session.freeSlots(now) > 0) return true;
    return false;
  }

  #sendRequest(session: RunnerSession, job: Job): void {
    const spec = job.spec;
    session.send(
      createFrame(
        'exec.request',
        {
          job_id: job.id,
          command: spec.script,
          working_dir: spec.working_dir ?? '.',
          timeout_ms: spec.timeout_ms ?? this.options.defaultTimeoutMs,
          dry_run: !spec.apply,
          apply: spec.apply,
          env: {},
          output_cap_bytes: this.options.outputCapBytes,
          idempotent: spec.idempotent,
          ...(spec.approval ? { approval: spec.approval } : {}),
        },
        {
          corr_id: job.id,
          idempotency_key: `${job.id}#${job.attempts}`,
          priority: spec.priority,
          capabilities: spec.capabilities,
        },
      ),
    );
  }

  #sendCancel(session: RunnerSession, job: Job, reason: string): void {
    session.send(
      createFrame(
        'exec.cancel',
        { job_id: job.id, reason, grace_ms: this.options.cancelGraceMs },
        { corr_id: job.id },
      ),
    );
  }

  // ---- the API the app and the HTTP handler use ---------------------------------------------

  /** Queues a job (or returns the one with the same idempotency key). */
  async submit(spec: JobSpec): Promise<{ job: Job; created: boolean }> {
    if (this.#closed)
      throw new PreconditionError('HUB_CLOSED', 'the hub is shutting down', {
        hint: 'retry against the restarted app',
      });
    // A runner with a free slot now gets the job in the same durable write as the submission
    // (one fdatasync instead of two before exec.request leaves); the queue still decides, so a
    // queued job that ranks higher for that runner keeps its turn. The slot holds the new id
    // before the write, so a runner that leaves meanwhile has the job in `active` like any other.
    const session = this.#idleSessionFor(normalizeSpec(spec));
    const id = newJobId();
    session?.active.add(id);
    let outcome: { job: Job; created: boolean };
    try {
      outcome = await this.queue.submit(spec, session ? { claimFor: session.profile!, id } : {});
    } catch (error) {
      session?.active.delete(id);
      throw error;
    }
    const job = outcome.job;
    const direct = session !== undefined && job.id === id && job.state === 'dispatched';
    if (session && !direct) session.active.delete(id);
    if (!outcome.created) return outcome;
    const approval = job.spec.approval;
    if (approval)
      this.#log.info(
        { job_id: job.id, approval_id: approval.id, approved_by: approval.approved_by },
        'job submitted with an approval',
      );
    this.emit('job', job);
    // A runner that left or was replaced during the write had the job in `active`: its close
    // (lease) or its successor's hello (requeue) took care of it, as for a pumped claim.
    if (direct && this.#sessions.get(session.runnerId) === session) this.#sendRequest(session, job);
    else if (!direct) this.pump();
    return outcome;
  }

  /** The first connected runner with a free slot that satisfies the job, if any. */
  #idleSessionFor(spec: Job['spec']): RunnerSession | undefined {
    const now = Date.now();
    for (const session of this.#sessions.values())
      if (
        session.isOpen &&
        session.freeSlots(now) > 0 &&
        runnerSatisfies({ spec }, session.profile!)
      )
        return session;
    return undefined;
  }

  async getJob(id: string): Promise<Job | undefined> {
    return this.queue.get(id);
  }

  /** Cancels: a queued job ends now; a running one gets exec.cancel and ends with its result. */
  async cancel(id: string, reason = 'cancelled by an operator'): Promise<Job | undefined> {
    const job = await this.queue.get(id);
    if (!job) return undefined;
    if (job.state === 'queued') {
      const updated = await this.queue.transition(id, ['queued'], {
        state: 'cancelled',
        cancel_requested: true,
        reason: { code: 'CANCELLED', message: reason },
      });
      if (updated) {
        this.emit('job', updated);
        return updated;
      }
    }
    if (job.state === 'dispatched' || job.state === 'running') {
      const updated = await this.queue.transition(id, ['dispatched', 'running'], {
        cancel_requested: true,
      });
      const session = job.runner_id ? this.#sessions.get(job.runner_id) : undefined;
      if (session && updated) this.#sendCancel(session, updated, reason);
      return updated ?? (await this.queue.get(id));
    }
    return job;
  }

  /** Resolves when the job reaches a terminal state (or the timeout passes: then its state now). */
  async waitForJob(id: string, timeoutMs: number): Promise<Job | undefined> {
    const current = await this.queue.get(id);
    if (!current || TERMINAL_STATES.has(current.state) || timeoutMs <= 0) return current;
    return new Promise((resolve) => {
      const onJob = (job: Job): void => {
        if (job.id !== id || !TERMINAL_STATES.has(job.state)) return;
        clearTimeout(timer);
        this.off('job', onJob);
        resolve(job);
      };
      const timer = setTimeout(() => {
        this.off('job', onJob);
        void this.queue.get(id).then(resolve);
      }, timeoutMs);
      this.on('job', onJob);
    });
  }

  readOutput(id: string, stream: OutputStream, bytes?: number): ReturnType<OutputStore['read']> {
    return this.outputs.read(id, stream, bytes);
  }

  runners(): RunnerInfo[] {
    return [...this.#sessions.values()]
      .filter((s) => s.profile)
      .map((s) => ({
        runner_id: s.runnerId,
        name: s.token.name,
        labels: s.profile!.labels,
        capabilities: s.profile!.capabilities,
        concurrency: s.concurrency,
        active_jobs: [...s.active],
        draining: s.draining,
      }));
  }

  /** The live session of a runner (tests use it to cut a socket). */
  sessionOf(runnerId: string): RunnerSession | undefined {
    return this.#sessions.get(runnerId);
  }

  /** Called by result intake when a job left a runner. */
  jobFinished(session: RunnerSession, job: Job): void {
    session.active.delete(job.id);
    this.outputs.release(job.id);
    this.emit('job', job);
    this.pump();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#server.off('upgrade', this.#onUpgrade);
    for (const timer of this.#timers) clearInterval(timer);
    for (const session of this.#sessions.values()) session.ws.close(1001, 'hub shutting down');
    for (const session of this.#sessions.values()) session.ws.terminate();
    this.#sessions.clear();
    this.#wss.close();
    this.outputs.closeAll();
    await this.queue.close();
  }
}

/**
 * Attaches the hub to an existing http.Server (Probot's, or a plain one) at /ko/v1/runners.
 *
 * @example
 * const hub = await attachHub(server, { dataDir: '.ko', leaseMs: 60_000 });
 * const { job } = await hub.submit({ script: 'Get-Date' });
 * await hub.close();
 */
export async function attachHub(server: Server, options: HubOptions): Promise<Hub> {
  const queue = options.queue ?? (await FileJobQueue.open(options.dataDir));
  const hub = new Hub(server, queue, options);
  // Jobs held by runners when the hub stopped: their runners get a lease to come back.
  const until = new Date(Date.now() + hub.options.leaseMs).toISOString();
  for (const job of await queue.list(['dispatched', 'running'])) {
    await queue.transition(job.id, ['dispatched', 'running'], { lease_expires_at: until });
  }
  hub.pump();
  return hub;
}
