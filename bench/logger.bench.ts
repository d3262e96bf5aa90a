// Logger cost: KO's logger (value masking on every serialized line, ISO time, level labels,
// fallback wrapper) against bare pino, both writing to /dev/null through pino's default
// asynchronous destination. Target (issue 2): at most 2x. Ratio = ko_time / baseline_time.
import { pathToFileURL } from 'node:url';
import { destination, pino, type Logger } from 'pino';
import { createLogger } from '../src/telemetry/logger.ts';
import { median, printResults, type BenchResult } from './bench-result.ts';

const LINES_PER_ROUND = 20_000;
const ROUNDS = 9;
const SECRETS = ['bench-webhook-secret-0123', `ghs_${'k'.repeat(36)}`, 'another-configured-secret'];
const TRACE = {
  trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
  span_id: '00f067aa0ba902b7',
  corr_id: 'd1e6a7c8-2f0b-4c55-9a41-3f3c2a1b0e9d',
};

type LineWriter = (log: Logger, i: number) => void;

const typicalLine: LineWriter = (log, i) =>
  log.info(
    {
      event: 'pull_request.synchronize',
      repo: 'octo-org/widgets',
      pr: i,
      url: 'https://api.github.com/repos/octo-org/widgets/pulls/42',
      duration_ms: 12.5,
    },
    'handled webhook',
  );
const secretLine: LineWriter = (log, i) =>
  log.warn(
    { pr: i, header: `Authorization: Bearer ${SECRETS[1]}`, note: `retrying with ${SECRETS[0]}` },
    'request failed',
  );

function timeRound(log: Logger, write: LineWriter): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < LINES_PER_ROUND; i += 1) write(log, i);
  return Number(process.hrtime.bigint() - started) / LINES_PER_ROUND;
}

async function drain(sink: ReturnType<typeof destination>): Promise<void> {
  await new Promise<void>((resolve) => sink.flush(() => resolve()));
}

async function compare(name: string, write: LineWriter, secrets: string[]): Promise<BenchResult> {
  const baseSink = destination('/dev/null');
  const koSink = destination('/dev/null');
  const baseline = pino({}, baseSink).child(TRACE);
  const ko = createLogger({ service: 'ko-bench', primary: koSink, secrets }).child(TRACE);
  const baseTimes: number[] = [];
  const koTimes: number[] = [];
  // Warm-up, then interleaved rounds so both see the same machine noise.
  timeRound(baseline, write);
  timeRound(ko, write);
  for (let round = 0; round < ROUNDS; round += 1) {
    baseTimes.push(timeRound(baseline, write));
    await drain(baseSink);
    koTimes.push(timeRound(ko, write));
    await drain(koSink);
  }
  const base = median(baseTimes);
  const mine = median(koTimes);
  return {
    name,
    baseline: 'bare pino → /dev/null',
    ratio: mine / base,
    detail: `median ns/line ko ${mine.toFixed(0)} vs pino ${base.toFixed(0)}; ${ROUNDS}×${LINES_PER_ROUND} lines; ${secrets.length} configured secrets; target ≤ 2×`,
  };
}

export async function run(): Promise<BenchResult[]> {
  return [
    await compare('logger: typical line, masking on', typicalLine, SECRETS),
    await compare('logger: line with secrets to mask', secretLine, SECRETS),
    await compare('logger: typical line, no configured secrets', typicalLine, []),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printResults(await run());
