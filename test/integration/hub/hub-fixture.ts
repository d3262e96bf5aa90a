// Shared set-up for the hub integration tests: a real node:http server with the hub attached,
// and a scripted ko-v1 runner on a real ws connection.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import {
  createEnvelope,
  encodeFrame,
  type KoFrame,
  type KoFrameByType,
} from '../../../contracts/codec/index.ts';
import type { HelloBody } from '../../../contracts/ko-v1/generated/ko-v1.ts';
import { createHubHttpHandler } from '../../../src/hub/http-handler.ts';
import { attachHub, type Hub } from '../../../src/hub/hub.ts';
import type { HubOptions } from '../../../src/hub/hub-options.ts';

export const OPERATOR_TOKEN = 'op-test-token-0123456789';

export interface HubFixture {
  hub: Hub;
  server: Server;
  port: number;
  url: string;
  dataDir: string;
  api: (path: string, init?: RequestInit) => Promise<Response>;
  token: (name: string, labels?: string[]) => Promise<string>;
  /** Closes the hub only (the data dir stays, for restart tests). */
  closeHub: () => Promise<void>;
  /** Attaches a new hub to the same server and data dir. */
  restartHub: (overrides?: Partial<HubOptions>) => Promise<Hub>;
  close: () => Promise<void>;
}

export async function startHub(options: Partial<HubOptions> = {}): Promise<HubFixture> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'ko-hub-'));
  const server = createServer();
  const make = (o: Partial<HubOptions>): Promise<Hub> =>
    attachHub(server, {
      heartbeatIntervalMs: 1_000,
      leaseMs: 2_000,
      operatorTokens: [OPERATOR_TOKEN],
      ...options,
      ...o,
      dataDir,
    });
  const fixture = { hub: await make({}) } as HubFixture;
  server.on('request', (req, res) => {
    if (!createHubHttpHandler(fixture.hub)(req, res)) {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  Object.assign(fixture, {
    server,
    port,
    dataDir,
    url: `ws://127.0.0.1:${port}/ko/v1/runners`,
    api: (path: string, init: RequestInit = {}) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${OPERATOR_TOKEN}`,
          'content-type': 'application/json',
          ...(init.headers ?? {}),
        },
      }),
    token: async (name: string, labels: string[] = []) =>
      (await fixture.hub.tokens.create({ name, labels })).token,
    closeHub: () => fixture.hub.close(),
    restartHub: async (o: Partial<HubOptions> = {}) => {
      fixture.hub = await make(o);
      return fixture.hub;
    },
    close: async () => {
      await fixture.hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
  return fixture;
}

export function helloBody(overrides: Partial<HelloBody> = {}): HelloBody {
  return {
    runner_id: 'test-runner',
    name: 'test-runner',
    version: '0.0.0',
    os: { platform: 'linux', release: 'test', arch: 'x64' },
    shell: { name: 'pwsh', version: '7.6.9' },
    capabilities: ['pwsh7'],
    labels: [],
    concurrency: 1,
    resume_jobs: [],
    ...overrides,
  };
}

/** A runner played by the test: a real ws client that records every frame it receives. */
export class ScriptedRunner {
  readonly ws: WebSocket;
  readonly frames: KoFrame[] = [];
  closeCode: number | undefined;
  readonly #waiters: { match: (f: KoFrame) => boolean; resolve: (f: KoFrame) => void }[] = [];
  readonly closed: Promise<number>;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as KoFrame;
      this.frames.push(frame);
      for (const waiter of [...this.#waiters]) {
        if (waiter.match(frame)) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.resolve(frame);
        }
      }
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code) => resolve((this.closeCode = code))),
    );
  }

  /** Connects and (unless hello is false) says hello and waits for welcome. */
  static async connect(
    url: string,
    token: string | undefined,
    hello: Partial<HelloBody> | false = {},
  ): Promise<ScriptedRunner> {
    const ws = new WebSocket(
      url,
      token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
    );
    const runner = new ScriptedRunner(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    if (hello !== false) {
      const welcome = runner.next('welcome');
      runner.send(createEnvelope('hello', helloBody(hello)));
      await welcome;
    }
    return runner;
  }

  send(frame: KoFrame): void {
    this.ws.send(encodeFrame(frame));
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  /** The next frame of a type (already received ones that match count, oldest first, once). */
  next<T extends keyof KoFrameByType>(
    type: T,
    match: (f: KoFrameByType[T]) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<KoFrameByType[T]> {
    const test = (f: KoFrame): boolean => f.type === type && match(f as KoFrameByType[T]);
    const seen = this.frames.findIndex(test);
    if (seen >= 0) return Promise.resolve(this.frames.splice(seen, 1)[0] as KoFrameByType[T]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no ${type} frame within ${timeoutMs} ms; got ${this.frames.map((f) => f.type).join(',')}`,
            ),
          ),
        timeoutMs,
      );
      this.#waiters.push({
        match: test,
        resolve: (f) => {
          clearTimeout(timer);
          const index = this.frames.indexOf(f);
          if (index >= 0) this.frames.splice(index, 1);
          resolve(f as KoFrameByType[T]);
        },
      });
    });
  }

  close(): void {
    this.ws.terminate();
  }
}

import { OutputChunker } from '../../../runner/src/output-chunker.ts';
import type { ExecChunkBody, ExecResultBody } from '../../../contracts/ko-v1/generated/ko-v1.ts';

/** Output of a pretend job, cut into chunks exactly as the runner does, plus its result body. */
export function pretendOutput(
  jobId: string,
  output: { stdout?: string; stderr?: string },
  chunkSizeBytes = 16,
  status: ExecResultBody['status'] = 'succeeded',
): { chunks: ExecChunkBody[]; result: ExecResultBody } {
  const chunks: ExecChunkBody[] = [];
  const summary = {} as ExecResultBody['streams'];
  for (const stream of ['stdout', 'stderr'] as const) {
    const chunker = new OutputChunker({
      jobId,
      stream,
      chunkSizeBytes,
      emit: (c) => chunks.push(c),
    });
    chunker.write(Buffer.from(output[stream] ?? '', 'utf8'));
    summary[stream] = chunker.end(false);
  }
  const now = new Date().toISOString();
  return {
    chunks,
    result: {
      job_id: jobId,
      status,
      exit_code: status === 'succeeded' ? 0 : 1,
      duration_ms: 5,
      started_at: now,
      finished_at: now,
      streams: summary,
    },
  };
}

/** Accepts a request, sends chunks (except the skipped ones) and the result. */
export function playJob(
  runner: ScriptedRunner,
  jobId: string,
  output: { stdout?: string; stderr?: string },
  skip: (c: ExecChunkBody) => boolean = () => false,
): { chunks: ExecChunkBody[]; result: ExecResultBody; resultFrameId: string } {
  const { chunks, result } = pretendOutput(jobId, output);
  runner.send(createEnvelope('exec.accepted', { job_id: jobId }, { corrId: jobId }));
  for (const chunk of chunks)
    if (!skip(chunk)) runner.send(createEnvelope('exec.chunk', chunk, { corrId: jobId }));
  const frame = createEnvelope('exec.result', result, { corrId: jobId });
  runner.send(frame);
  return { chunks, result, resultFrameId: frame.id };
}
