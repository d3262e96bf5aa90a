import type { WebSocket } from 'ws';
import type { KoFrame } from '../../contracts/ko-v1/generated/frames.ts';
import type { HelloBody } from '../../contracts/ko-v1/generated/ko-v1.ts';
import type { RunnerProfile } from './job-types.ts';
import type { RunnerTokenRecord } from './runner-tokens.ts';
import { encodeFrame } from './wire.ts';

/**
 * One connected runner: its socket, who it is (from its token, not from what it claims), what
 * it offers once it said hello, and the jobs it holds.
 */
export class RunnerSession {
  readonly ws: WebSocket;
  readonly token: RunnerTokenRecord;
  readonly sessionId: string;
  hello: HelloBody | undefined;
  profile: RunnerProfile | undefined;
  concurrency = 0;
  /** Set when the runner rejected a job with RUNNER_DRAINING: nothing more is sent to it. */
  draining = false;
  /** After a RUNNER_BUSY rejection, no dispatch before this time (ms since epoch). */
  busyUntil = 0;
  readonly active = new Set<string>();
  lastFrameAt = Date.now();
  pongPending = false;

  constructor(ws: WebSocket, token: RunnerTokenRecord, sessionId: string) {
    this.ws = ws;
    this.token = token;
    this.sessionId = sessionId;
  }

  /** The stable identity jobs are bound to: the token's id, so a reconnect is the same runner. */
  get runnerId(): string {
    return this.token.id;
  }

  get isOpen(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  freeSlots(now: number): number {
    if (!this.profile || this.draining || now < this.busyUntil) return 0;
    return this.concurrency - this.active.size;
  }

  send(frame: KoFrame): void {
    if (this.isOpen) this.ws.send(encodeFrame(frame));
  }
}

/**
 * The labels a runner is matched on: the ones an admin gave its token when there are any (a
 * runner cannot promote itself), else what it announced in hello.
 *
 * @example effectiveLabels(['windows'], ['linux']); // ['windows']
 */
export function effectiveLabels(tokenLabels: string[], helloLabels: string[]): string[] {
  const source = tokenLabels.length > 0 ? tokenLabels : helloLabels;
  return [...new Set(source.map((l) => l.toLowerCase()))].sort();
}
