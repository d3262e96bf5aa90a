// Hub and runner overhead, as ratios against baselines measured in the same run:
// 1. a no-op job's round trip (submit → result applied) through hub + runner, with 100 runners
//    connected, against a raw ws echo on the same loopback in the same topology. The runners are
//    RunnerDaemon instances with a no-op executor (no PowerShell), so the figure is KO's own
//    overhead: 4 frames (request, accepted, result, ack; an empty stream sends no chunk), each
//    validated on both ends, and 3 fdatasyncs in a row on the critical path: the hub's
//    submit+claim (one write when a runner is idle), the runner's spooled request (before it
//    accepts), the hub's completed job (before it acks). The runner's result sync runs while the
//    result travels; `accepted` is written without a sync of its own. The headline has the
//    runners in a process of their own, as deployed; the one-thread variant puts them on the
//    hub's thread. `--round-trip` runs only this part (for --cpu-prof).
// 2. 1,000 concurrent runner connections (clients in a child process): memory per connection in
//    the hub process against a bare ws server holding the same 1,000 sockets.
// 3. dispatch throughput with those 1,000 runners (scripted: they answer at once) against raw ws
//    request/response round trips over the same sockets.
// 4. queue storage: the JSONL log (group commit) against rewriting one JSON document per change.
// KO_BENCH_CONNECTIONS and KO_BENCH_JOBS shrink 2 and 3 for a quick run.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pino } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import { createEnvelope, encodeFrame } from '../contracts/codec/index.ts';
import type { KoFrame } from '../contracts/ko-v1/generated/frames.ts';
import { RunnerDaemon } from '../runner/src/runner-daemon.ts';
import { OutputChunker } from '../runner/src/output-chunker.ts';
import { attachHub, type Hub } from '../src/hub/hub.ts';
import { FileJobQueue } from '../src/hub/job-queue.ts';
import { writeFileAtomic } from '../src/store/atomic-write.ts';
import { percentile, printResults, type BenchResult } from './bench-result.ts';

const THIS_FILE = fileURLToPath(import.meta.url);
const ROUND_TRIPS = 1_000;
const RUNNERS_FOR_LATENCY = 100;
const CONNECTIONS = Number(process.env['KO_BENCH_CONNECTIONS'] ?? 1_000);
const THROUGHPUT_JOBS = Number(process.env['KO_BENCH_JOBS'] ?? 3_000);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Writes a runner token file with n tokens directly (one write instead of n). */
function writeTokens(dataDir: string, n: number): string[] {
  const tokens = Array.from({ length: n }, () => `kor_${randomBytes(32).toString('base64url')}`);
  const now = new Date().toISOString();
  const records = tokens.map((token, i) => ({
    id: `rt_bench${i}`,
    name: `bench-${i}`,
    labels: [],
    token_sha256: createHash('sha256').update(token).digest('hex'),
    created_at: now,
    revoked_at: null,
  }));
  writeFileSync(
    join(dataDir, 'runner-tokens.json'),
    JSON.stringify({ version: 1, tokens: records }),
  );
  return tokens;
}

function progress(what: string): void {
  process.stderr.write(`[hub.bench] ${what}\n`);
}

function stats(values: number[]): { p50: number; p95: number; p99: number } {
  return { p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99) };
}

// ---- 1. round trip -------------------------------------------------------------------------

/** A ws echo server on loopback; resolves with its port and a close function. */
async function startEchoServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  wss.on('connection', (ws) => ws.on('message', (data) => ws.send(data)));
  const port = await listen(server);
  return {
    port,
    close: async () => {
      wss.close();
      await closeServer(server);
    },
  };
}

async function echoRoundTrips(n: number, placement: RunnerPlacement): Promise<number[]> {
  let port: number;
  let close: () => Promise<void>;
  if (placement === 'in-process') ({ port, close } = await startEchoServer());
  else {
    const echo = spawnBenchChild(['--echo']);
    port = Number(await echo.ready);
    close = () => stopChild(echo.child);
  }
  const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
  await new Promise((r) => ws.once('open', r));
  const payload = encodeFrame(createEnvelope('heartbeat', { running_jobs: [] }));
  const times: number[] = [];
  for (let i = 0; i < n + 20; i += 1) {
    const start = performance.now();
    ws.send(payload);
    await new Promise((r) => ws.once('message', r));
    if (i >= 20) times.push(performance.now() - start);
  }
  ws.terminate();
  await close();
  return times;
}

/** 100 runner daemons with a no-op executor, all in this process. */
function startBenchRunners(url: string, tokens: string[], dir: string): RunnerDaemon[] {
  const logger = pino({ enabled: false });
  const daemons = tokens.map(
    (token, i) =>
      new RunnerDaemon({
        server: url,
        token,
        root: dir,
        dataDir: join(dir, `runner-${i}`),
        apply: true,
        pwshPath: 'unused',
        logger,
        execute: async () => {
          const now = new Date().toISOString();
          return {
            status: 'succeeded',
            exitCode: 0,
            durationMs: 0,
            startedAt: now,
            finishedAt: now,
            streams: {
              stdout: { bytes: 0, truncated: false },
              stderr: { bytes: 0, truncated: false },
            },
          };
        },
        guard: async () => ({ verdict: 'allow', rule: 'bench', reason: 'bench' }),
        sandbox: async (root) => root,
      }),
  );
  for (const daemon of daemons) daemon.start();
  return daemons;
}

/** Where the bench's runners live: with the hub on one thread, or in a process of their own. */
type RunnerPlacement = 'in-process' | 'child-process';

async function koRoundTrips(
  n: number,
  base: string,
  placement: RunnerPlacement,
): Promise<number[]> {
  const dir = mkdtempSync(join(base, 'ko-bench-rt-'));
  const server = createServer();
  const hub = await attachHub(server, { dataDir: join(dir, 'hub') });
  const port = await listen(server);
  const url = `ws://127.0.0.1:${port}/ko/v1/runners`;
  const tokens = writeTokens(join(dir, 'hub'), RUNNERS_FOR_LATENCY);
  let daemons: RunnerDaemon[] = [];
  let child: ChildProcess | undefined;
  if (placement === 'in-process') daemons = startBenchRunners(url, tokens, dir);
  else {
    const tokensFile = join(dir, 'runner-tokens.json');
    writeFileSync(tokensFile, JSON.stringify(tokens));
    child = spawnBenchChild(['--runners', url, tokensFile, dir]).child;
  }
  while (hub.runners().length < RUNNERS_FOR_LATENCY) await new Promise((r) => setTimeout(r, 50));
  const times: number[] = [];
  for (let i = 0; i < n + 20; i += 1) {
    const start = performance.now();
    const { job } = await hub.submit({ script: 'exit 0', apply: true });
    const done = await hub.waitForJob(job.id, 10_000);
    if (done?.state !== 'completed') throw new Error(`bench job ended ${done?.state}`);
    if (i >= 20) times.push(performance.now() - start);
  }
  await Promise.all(daemons.map((d) => d.stop()));
  if (child) await stopChild(child);
  await hub.close();
  await closeServer(server);
  rmSync(dir, { recursive: true, force: true });
  return times;
}

/** Child process: the round trip's runners, until killed. */
async function runRunners(url: string, tokensFile: string, dir: string): Promise<void> {
  const tokens = JSON.parse(readFileSync(tokensFile, 'utf8')) as string[];
  startBenchRunners(url, tokens, dir);
  process.stdout.write('ready\n');
  setInterval(() => undefined, 1 << 30);
}

// ---- 2 and 3. many connections (clients in a child process) ---------------------------------

interface BenchChild {
  child: ChildProcess;
  /** What the child printed after `ready` (a port, a count). */
  ready: Promise<string>;
}

/** This file run again as a child process in one of its helper modes (`--clients`, ...). */
function spawnBenchChild(args: string[]): BenchChild {
  const child = spawn(process.execPath, ['--import', 'tsx', THIS_FILE, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = /ready ?(.*)\n/.exec(out);
      if (line) resolve(line[1] ?? '');
    });
    child.once('exit', (code) => reject(new Error(`bench child ${args[0]} exited ${code}`)));
  });
  ready.catch(() => undefined);
  return { child, ready };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill();
  return exited;
}

function heapNow(): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
}

async function rawConnections(
  dir: string,
): Promise<{ bytesPerConnection: number; roundTripsPerSecond: number }> {
  const server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: 1024 * 1024 });
  const sockets: WebSocket[] = [];
  wss.on('connection', (ws) => sockets.push(ws));
  const port = await listen(server);
  const tokensFile = join(dir, 'raw-tokens.json');
  writeFileSync(tokensFile, JSON.stringify(Array.from({ length: CONNECTIONS }, () => 'none')));
  const before = heapNow();
  const clients = spawnBenchChild(['--clients', 'raw', `ws://127.0.0.1:${port}/`, tokensFile]);
  await clients.ready;
  while (sockets.length < CONNECTIONS) await new Promise((r) => setTimeout(r, 20));
  const bytesPerConnection = (heapNow() - before) / CONNECTIONS;
  // Request/response over the same sockets: the server sends, a client answers.
  const payload = encodeFrame(createEnvelope('heartbeat', { running_jobs: [] }));
  let answered = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    for (const ws of sockets)
      ws.on('message', () => (++answered === THROUGHPUT_JOBS ? resolve() : undefined));
    for (let i = 0; i < THROUGHPUT_JOBS; i += 1) sockets[i % sockets.length]!.send(payload);
  });
  const roundTripsPerSecond = THROUGHPUT_JOBS / ((performance.now() - start) / 1000);
  await stopChild(clients.child);
  wss.close();
  await closeServer(server);
  return { bytesPerConnection, roundTripsPerSecond };
}

async function koConnections(
  dir: string,
): Promise<{ bytesPerConnection: number; jobsPerSecond: number }> {
  const server = createServer();
  const dataDir = join(dir, 'hub-many');
  const hub: Hub = await attachHub(server, { dataDir });
  const port = await listen(server);
  const tokensFile = join(dir, 'ko-tokens.json');
  writeFileSync(tokensFile, JSON.stringify(writeTokens(dataDir, CONNECTIONS)));
  const before = heapNow();
  const clients = spawnBenchChild([
    '--clients',
    'ko',
    `ws://127.0.0.1:${port}/ko/v1/runners`,
    tokensFile,
  ]);
  await clients.ready;
  while (hub.runners().length < CONNECTIONS) await new Promise((r) => setTimeout(r, 20));
  const bytesPerConnection = (heapNow() - before) / CONNECTIONS;
  let completed = 0;
  const start = performance.now();
  const allDone = new Promise<void>((resolve) =>
    hub.on('job', (job) => {
      if (
        ['completed', 'rejected', 'lost', 'cancelled'].includes(job.state) &&
        ++completed === THROUGHPUT_JOBS
      )
        resolve();
    }),
  );
  await Promise.all(
    Array.from({ length: THROUGHPUT_JOBS }, (_, i) =>
      hub.submit({ script: `exit ${i % 2}`, apply: true }),
    ),
  );
  await allDone;
  const completedJobs = (await hub.queue.list(['completed'])).length;
  if (completedJobs !== THROUGHPUT_JOBS)
    throw new Error(`only ${completedJobs} of ${THROUGHPUT_JOBS} bench jobs completed`);
  const jobsPerSecond = THROUGHPUT_JOBS / ((performance.now() - start) / 1000);
  await stopChild(clients.child);
  await hub.close();
  await closeServer(server);
  return { bytesPerConnection, jobsPerSecond };
}

/** Child process: many runner connections that answer each exec.request at once. */
async function runClients(mode: 'ko' | 'raw', url: string, tokensFile: string): Promise<void> {
  const tokens = JSON.parse(readFileSync(tokensFile, 'utf8')) as string[];
  let open = 0;
  const connectOne = (token: string, i: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url, {
        perMessageDeflate: false,
        headers: mode === 'ko' ? { authorization: `Bearer ${token}` } : {},
      });
      ws.on('error', reject);
      ws.on('open', () => {
        if (mode === 'raw') {
          ws.on('message', (data) => ws.send(data));
          return resolve();
        }
        ws.send(
          encodeFrame(
            createEnvelope('hello', {
              runner_id: `bench-${i}`,
              name: `bench-${i}`,
              version: '0.0.0',
              os: { platform: 'linux', release: 'bench', arch: 'x64' },
              shell: { name: 'pwsh', version: '7' },
              capabilities: ['pwsh7'],
              labels: [],
              concurrency: 4,
              resume_jobs: [],
            }),
          ),
        );
      });
      if (mode !== 'ko') return;
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as KoFrame;
        if (frame.type === 'welcome') {
          // Runners must send heartbeat frames, or the hub marks them gone.
          setInterval(
            () => ws.send(encodeFrame(createEnvelope('heartbeat', { running_jobs: [] }))),
            frame.body.heartbeat_interval_ms,
          ).unref();
          return resolve();
        }
        if (frame.type !== 'exec.request') return;
        const jobId = frame.body.job_id;
        ws.send(encodeFrame(createEnvelope('exec.accepted', { job_id: jobId }, { corrId: jobId })));
        const streams = {} as {
          stdout: ReturnType<OutputChunker['end']>;
          stderr: ReturnType<OutputChunker['end']>;
        };
        for (const stream of ['stdout', 'stderr'] as const) {
          const chunker = new OutputChunker({
            jobId,
            stream,
            chunkSizeBytes: 200 * 1024,
            emit: (c) => ws.send(encodeFrame(createEnvelope('exec.chunk', c, { corrId: jobId }))),
            omitEmpty: true, // the hub's welcome says omit_empty_streams
          });
          streams[stream] = chunker.end(false);
        }
        const now = new Date().toISOString();
        ws.send(
          encodeFrame(
            createEnvelope(
              'exec.result',
              {
                job_id: jobId,
                status: 'succeeded',
                exit_code: 0,
                duration_ms: 0,
                started_at: now,
                finished_at: now,
                streams,
              },
              { corrId: jobId },
            ),
          ),
        );
      });
    });
  // Connect in waves so the listen backlog is not the thing measured.
  for (let i = 0; i < tokens.length; i += 100) {
    await Promise.all(tokens.slice(i, i + 100).map((t, j) => connectOne(t, i + j)));
    open += Math.min(100, tokens.length - i);
  }
  process.stdout.write(`ready ${open}\n`);
  setInterval(() => undefined, 1 << 30);
}

// ---- 4. queue storage ----------------------------------------------------------------------

async function queueStorage(
  dir: string,
): Promise<{ jsonlMs: number; documentMs: number; jsonlConcurrentMs: number; n: number }> {
  const n = 300;
  const q = await FileJobQueue.open(join(dir, 'q-jsonl'));
  let start = performance.now();
  for (let i = 0; i < n; i += 1) await q.submit({ script: `s${i}` });
  const jsonlMs = performance.now() - start;
  start = performance.now();
  await Promise.all(Array.from({ length: n }, (_, i) => q.submit({ script: `c${i}` })));
  const jsonlConcurrentMs = performance.now() - start;
  await q.close();
  // The alternative: the whole job list as one JSON document, rewritten atomically per change
  // (what a lowdb-style store does; the store also takes a lock and keeps a backup on top).
  const docFile = join(dir, 'q-doc.json');
  const jobs: unknown[] = [];
  start = performance.now();
  for (let i = 0; i < n; i += 1) {
    jobs.push({
      id: `job_${i}`,
      spec: { script: `s${i}` },
      state: 'queued',
      created_at: new Date().toISOString(),
    });
    await writeFileAtomic(docFile, JSON.stringify(jobs));
  }
  const documentMs = performance.now() - start;
  return { jsonlMs, documentMs, jsonlConcurrentMs, n };
}

// ---- run -----------------------------------------------------------------------------------

/**
 * KO overhead (ms) of the round trip before the queue and spool rework (session 2, quiet
 * machine, runners on the hub thread, state on disk): 4 fdatasyncs and 2 fsyncs per job, a
 * folder per job in the runner spool. Printed next to the one-thread figure, its like.
 */
const OVERHEAD_BEFORE = { p50: 7.1, p95: 11.3 } as const;

const PLACEMENT_NOTE: Record<RunnerPlacement, string> = {
  'child-process': 'runners in their own process, as deployed',
  'in-process': 'runners on the hub thread',
};

async function roundTrips(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  // Runners are separate processes (separate hosts) in a deployment: that is the figure the
  // target is read against. The in-process variant puts the hub's and 100 runners' CPU and GC on
  // one thread, an upper bound that shows what the runner side costs.
  const cases: {
    placement: RunnerPlacement;
    base: string;
    label: string;
    before?: boolean;
  }[] = [
    { placement: 'child-process', base: tmpdir(), label: '' },
    { placement: 'in-process', base: tmpdir(), label: ', one thread', before: true },
  ];
  // The same with state on tmpfs, where fsync costs nothing: what is left is the protocol itself
  // (frames, validation, dispatch), without the durability price.
  if (existsSync('/dev/shm'))
    cases.push({ placement: 'child-process', base: '/dev/shm', label: ', no fsync cost' });
  const echo: Partial<Record<RunnerPlacement, ReturnType<typeof stats>>> = {};
  for (const c of cases) {
    progress(`raw ws echo (${c.placement})`);
    const baseline = (echo[c.placement] ??= stats(await echoRoundTrips(ROUND_TRIPS, c.placement)));
    progress(`KO round trips (${c.placement}, state on ${c.base})`);
    const ko = stats(await koRoundTrips(ROUND_TRIPS, c.base, c.placement));
    for (const p of ['p50', 'p95', 'p99'] as const) {
      const before = c.before && p !== 'p99' ? `; before the rework: ${OVERHEAD_BEFORE[p]} ms` : '';
      results.push({
        name: `hub: no-op job round trip ${p}${c.label}`,
        baseline: `raw ws echo ${p}`,
        ratio: ko[p] / baseline[p],
        detail: `${ko[p].toFixed(2)} ms vs ${baseline[p].toFixed(3)} ms; KO overhead ${(ko[p] - baseline[p]).toFixed(2)} ms${before}; ${RUNNERS_FOR_LATENCY} runners, ${PLACEMENT_NOTE[c.placement]}, no-op executor, state on ${c.base}`,
      });
    }
  }
  return results;
}

export async function run(): Promise<BenchResult[]> {
  const results = await roundTrips();
  const dir = mkdtempSync(join(tmpdir(), 'ko-bench-many-'));
  try {
    progress('1,000 raw connections');
    const raw = await rawConnections(dir);
    progress('1,000 runner connections');
    const many = await koConnections(dir);
    progress('queue storage');
    results.push({
      name: `hub: memory per runner connection (${CONNECTIONS})`,
      baseline: 'bare ws connection',
      ratio: many.bytesPerConnection / raw.bytesPerConnection,
      detail: `${(many.bytesPerConnection / 1024).toFixed(1)} KiB vs ${(raw.bytesPerConnection / 1024).toFixed(1)} KiB (heap+external after gc, hub process only)`,
    });
    results.push({
      name: `hub: dispatch throughput (${CONNECTIONS} runners)`,
      baseline: 'raw ws request/response',
      ratio: many.jobsPerSecond / raw.roundTripsPerSecond,
      detail: `${many.jobsPerSecond.toFixed(0)} jobs/s vs ${raw.roundTripsPerSecond.toFixed(0)} round trips/s (${THROUGHPUT_JOBS} jobs, 4 frames and 2–3 durable queue writes each, group-committed)`,
    });
    const storage = await queueStorage(dir);
    results.push({
      name: `queue: sequential submit, JSONL log (${storage.n})`,
      baseline: 'JSON document rewrite per change',
      ratio: storage.jsonlMs / storage.documentMs,
      detail: `${(storage.jsonlMs / storage.n).toFixed(2)} ms vs ${(storage.documentMs / storage.n).toFixed(2)} ms per durable submit; concurrent JSONL (group commit) ${(storage.jsonlConcurrentMs / storage.n).toFixed(3)} ms each`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

if (process.argv[2] === '--clients') {
  await runClients(process.argv[3] as 'ko' | 'raw', process.argv[4]!, process.argv[5]!);
} else if (process.argv[2] === '--runners') {
  await runRunners(process.argv[3]!, process.argv[4]!, process.argv[5]!);
} else if (process.argv[2] === '--echo') {
  const { port } = await startEchoServer();
  process.stdout.write(`ready ${port}\n`);
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printResults(process.argv.includes('--round-trip') ? await roundTrips() : await run());
  process.exit(0);
}
