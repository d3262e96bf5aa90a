import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import type { KoFrame } from '../../contracts/ko-v1/generated/frames.ts';
import type { HelloBody, WelcomeBody } from '../../contracts/ko-v1/generated/ko-v1.ts';
import { backoffDelay } from './backoff.ts';
import { createFrame, decodeFrame, encode } from './wire.ts';

interface HubConnectionOptions {
  /** ws:// or wss:// URL of the hub's runner endpoint. */
  url: string;
  token: string;
  logger: Logger;
  /** Called on every (re)connect: the hello carries the jobs to resume, which change over time. */
  hello: () => HelloBody;
  /** Reconnect backoff base and cap (ms). Defaults 1,000 and 60,000. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Largest frame we accept from the hub. Default 1 MiB. */
  maxPayload?: number;
}

/**
 * The runner's dial-out connection: hello on every connect, welcome makes it ready, heartbeat
 * frames at the hub's interval, and reconnects forever with jittered exponential backoff.
 * Emits 'ready' (welcome body), 'frame' (every frame after welcome) and 'down'.
 */
export class HubConnection extends EventEmitter<{
  ready: [WelcomeBody];
  frame: [KoFrame];
  down: [];
}> {
  readonly #options: HubConnectionOptions;
  #ws: WebSocket | undefined;
  #welcome: WelcomeBody | undefined;
  #attempt = 0;
  #stopped = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #lastSeen = Date.now();
  /** Jobs reported as running in heartbeats. */
  runningJobs: () => string[] = () => [];

  constructor(options: HubConnectionOptions) {
    super();
    this.#options = options;
  }

  get ready(): boolean {
    return this.#welcome !== undefined && this.#ws?.readyState === WebSocket.OPEN;
  }

  get welcome(): WelcomeBody | undefined {
    return this.#welcome;
  }

  start(): void {
    this.#stopped = false;
    this.#dial();
  }

  /** Sends when connected and welcomed; returns false otherwise (the spool keeps it). */
  send(frame: KoFrame): boolean {
    if (!this.ready) return false;
    this.#ws!.send(encode(frame));
    return true;
  }

  /** Test and signal hook: drops the socket now (reconnects unless stopped). */
  drop(): void {
    this.#ws?.terminate();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    clearInterval(this.#heartbeatTimer);
    const ws = this.#ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close(1000, 'runner stopping');
      setTimeout(() => {
        ws.terminate();
        resolve();
      }, 2_000).unref();
    });
  }

  #dial(): void {
    if (this.#stopped) return;
    const log = this.#options.logger;
    const ws = new WebSocket(this.#options.url, {
      headers: { authorization: `Bearer ${this.#options.token}` },
      perMessageDeflate: false,
      maxPayload: this.#options.maxPayload ?? 1024 * 1024,
      handshakeTimeout: 15_000,
    });
    this.#ws = ws;
    ws.on('open', () => {
      this.#lastSeen = Date.now();
      ws.send(encode(createFrame('hello', this.#options.hello())));
    });
    ws.on('ping', () => {
      this.#lastSeen = Date.now();
    });
    ws.on('message', (data) => {
      this.#lastSeen = Date.now();
      const decoded = decodeFrame(String(data));
      if (!decoded.ok) {
        log.warn({ err: decoded.error }, 'bad frame from hub');
        return;
      }
      const frame = decoded.frame;
      if (frame.type === 'welcome') {
        this.#welcome = frame.body;
        this.#attempt = 0;
        this.#startHeartbeat(frame.body.heartbeat_interval_ms);
        log.info({ session_id: frame.body.session_id }, 'connected to hub');
        this.emit('ready', frame.body);
        return;
      }
      if (frame.type === 'error') log.warn({ error: frame.body }, 'hub reported an error');
      this.emit('frame', frame);
    });
    ws.on('unexpected-response', (_req, res) => {
      const level = res.statusCode === 401 ? 'error' : 'warn';
      log[level](
        { status: res.statusCode },
        res.statusCode === 401
          ? 'hub refused the runner token (401); check --token or ask for a new one'
          : 'hub refused the connection',
      );
      res.resume();
      ws.terminate();
    });
    ws.on('error', (error) => log.debug({ err: error }, 'hub socket error'));
    ws.on('close', () => {
      clearInterval(this.#heartbeatTimer);
      const wasReady = this.#welcome !== undefined;
      this.#welcome = undefined;
      if (this.#ws === ws) this.#ws = undefined;
      if (wasReady) this.emit('down');
      if (this.#stopped) return;
      const delay = backoffDelay(this.#attempt, {
        baseMs: this.#options.backoffBaseMs ?? 1_000,
        maxMs: this.#options.backoffMaxMs ?? 60_000,
      });
      this.#attempt += 1;
      log.info({ delay_ms: delay, attempt: this.#attempt }, 'reconnecting to hub');
      this.#retryTimer = setTimeout(() => this.#dial(), delay);
    });
  }

  #startHeartbeat(intervalMs: number): void {
    clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = setInterval(() => {
      // A hub that stopped pinging and sending is gone even if TCP has not noticed.
      if (Date.now() - this.#lastSeen > intervalMs * 3) {
        this.#options.logger.warn('hub silent for three heartbeat intervals; reconnecting');
        this.#ws?.terminate();
        return;
      }
      this.send(createFrame('heartbeat', { running_jobs: this.runningJobs() }));
    }, intervalMs);
  }
}
