// Store and audit write costs, as ratios against baselines measured in the same run:
// one write of a 1 MB experience store (lock + read/verify + backup + temp + fsync + rename +
// folder fsync) against a bare fs.writeFile and against lowdb's own JSONFile (steno) writer;
// audit appends with fsync against a bare appendFile + fsync.
import { appendFile, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { JSONFile } from 'lowdb/node';
import pino from 'pino';
import { median, printResults, type BenchResult } from './bench-result.ts';
import { writeFileAtomic } from '../src/store/atomic-write.ts';
import { AuditLog } from '../src/store/audit/audit-log.ts';
import { storeAuditHead, type AuditHeadSink } from '../src/store/audit/audit-head.ts';
import { ExperienceStore } from '../src/store/experience-store.ts';
import type { AuditHead, ExperienceData } from '../src/store/experience-types.ts';

const logger = pino({ level: 'silent' });
const WRITES = 12;
const APPENDS = 200;

async function timeEach(times: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i += 1) {
    const started = performance.now();
    await fn(i);
    samples.push(performance.now() - started);
  }
  return median(samples);
}

async function timeTotal(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

function fill(data: ExperienceData, bytes: number): void {
  for (let i = 0; JSON.stringify(data).length < bytes; i += 1) {
    data.workflows[`wf-${i}`] = {
      id: `wf-${i}`,
      repo: 'octo/repo',
      pr: i,
      state: 'merged',
      steps: ['plan', 'branch', 'pr', 'checks', 'approval', 'merge'],
      note: 'x'.repeat(120),
    };
    data.runs.push({
      id: `run-${i}`,
      workflow_id: `wf-${i}`,
      outcome: 'ok',
      lead_time_ms: 1000 + i,
    });
  }
}

const entry = (i: number) => ({
  actor: 'octocat',
  action: 'workflow.merge',
  target: `o/r#${i}`,
  outcome: 'ok',
  trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
  corr_id: `c${i}`,
});

function memoryHead(): AuditHeadSink {
  let head: AuditHead | null = null;
  return { read: async () => head, write: async (next) => void (head = next) };
}

/** Runs the benchmark in a fresh temp folder. */
export async function run(): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'ko-bench-store-'));
  try {
    const results: BenchResult[] = [];
    // 1 MB store
    const store = await ExperienceStore.open({ dataDir: join(dir, 'store'), logger });
    await store.update((data) => fill(data, 1_000_000));
    const bytes = JSON.stringify(store.data, null, 1);
    const size = `${(Buffer.byteLength(bytes) / 1e6).toFixed(2)} MB`;
    const koUpdate = await timeEach(WRITES, () =>
      store.update((data) => void (data.counters.bench = (data.counters.bench ?? 0) + 1)),
    );
    const atomicOnly = await timeEach(WRITES, () =>
      writeFileAtomic(join(dir, 'atomic.json'), bytes),
    );
    const bare = await timeEach(WRITES, () => writeFile(join(dir, 'bare.json'), bytes));
    const steno = new JSONFile<ExperienceData>(join(dir, 'lowdb.json'));
    const lowdb = await timeEach(WRITES, () => steno.write(store.data));
    const ms = (value: number) => `${value.toFixed(2)} ms`;
    results.push(
      {
        name: 'store: update of a 1 MB store',
        baseline: 'fs.writeFile (no fsync)',
        ratio: koUpdate / bare,
        detail: `${ms(koUpdate)} vs ${ms(bare)}, ${size}, median of ${WRITES}; lock + read/verify + backup + temp + fsync + rename + folder fsync`,
      },
      {
        name: 'store: update of a 1 MB store',
        baseline: 'lowdb JSONFile (steno)',
        ratio: koUpdate / lowdb,
        detail: `${ms(koUpdate)} vs ${ms(lowdb)}`,
      },
      {
        name: 'store: atomic write only (temp+fsync+rename+dir fsync)',
        baseline: 'fs.writeFile (no fsync)',
        ratio: atomicOnly / bare,
        detail: `${ms(atomicOnly)} vs ${ms(bare)}`,
      },
    );

    // Audit appends
    const bareFile = join(dir, 'bare.jsonl');
    const handle = await open(bareFile, 'a');
    const bareAppend = await timeTotal(async () => {
      for (let i = 0; i < APPENDS; i += 1) {
        await appendFile(handle, `${JSON.stringify(entry(i))}\n`);
        await handle.sync();
      }
    });
    await handle.close();
    const rate = (total: number) => `${((APPENDS / total) * 1000).toFixed(0)}/s`;
    const variants: Array<{
      name: string;
      head: () => Promise<AuditHeadSink>;
      options: { fsyncBatchMs?: number; headFlushMs?: number };
      concurrent: boolean;
    }> = [
      {
        name: 'audit: append, fsync each, head in memory',
        head: async () => memoryHead(),
        options: {},
        concurrent: false,
      },
      {
        name: 'audit: append, fsync each, head to store each (default)',
        head: async () =>
          storeAuditHead(await ExperienceStore.open({ dataDir: join(dir, 'audit-store'), logger })),
        options: {},
        concurrent: false,
      },
      {
        name: 'audit: 200 concurrent appends, group fsync 2 ms, head 1 s',
        head: async () =>
          storeAuditHead(
            await ExperienceStore.open({ dataDir: join(dir, 'audit-store-2'), logger }),
          ),
        options: { fsyncBatchMs: 2, headFlushMs: 1000 },
        concurrent: true,
      },
    ];
    for (const [index, variant] of variants.entries()) {
      const log = await AuditLog.open({
        dir: join(dir, `audit-${index}`),
        logger,
        head: await variant.head(),
        ...variant.options,
      });
      const total = await timeTotal(async () => {
        if (variant.concurrent)
          await Promise.all(Array.from({ length: APPENDS }, (_, i) => log.append(entry(i))));
        else for (let i = 0; i < APPENDS; i += 1) await log.append(entry(i));
      });
      await log.close();
      results.push({
        name: variant.name,
        baseline: 'appendFile + fsync',
        ratio: total / bareAppend,
        detail: `${rate(total)} vs ${rate(bareAppend)} (${APPENDS} appends)`,
      });
    }
    return results;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printResults(await run());
