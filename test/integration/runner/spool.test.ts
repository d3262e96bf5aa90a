// The runner spool on real files: what a restarted runner finds, acks, rotation across files, and
// the import of jobs spooled by an older runner (one folder per job).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type {
  ExecChunkBody,
  ExecRequestBody,
  ExecResultBody,
} from '../../../contracts/ko-v1/generated/ko-v1.ts';
import { lostJobResult } from '../../../runner/src/recover-spool.ts';
import { Spool } from '../../../runner/src/spool.ts';

let dir: string;
const open: Spool[] = [];
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'ko-spool-')), 'spool');
});
afterEach(() => {
  for (const spool of open.splice(0)) spool.close();
  rmSync(join(dir, '..'), { recursive: true, force: true });
});

function spoolAt(path = dir): Spool {
  const spool = new Spool(path);
  open.push(spool);
  return spool;
}

function request(jobId: string): ExecRequestBody {
  return {
    job_id: jobId,
    command: 'Write-Output hi',
    working_dir: '.',
    timeout_ms: 60_000,
    dry_run: false,
    apply: true,
    env: {},
    output_cap_bytes: 10 * 1024 * 1024,
    idempotent: false,
  };
}

function chunk(jobId: string, seq: number, text: string): ExecChunkBody {
  const data = Buffer.from(text);
  return {
    transfer_id: `${jobId}.stdout`,
    job_id: jobId,
    stream: 'stdout',
    seq,
    total: null,
    offset: 0,
    size: data.length,
    sha256: createHash('sha256').update(data).digest('hex'),
    data: data.toString('base64'),
  };
}

function result(jobId: string): ExecResultBody {
  const summary = (stream: string) => ({
    transfer_id: `${jobId}.${stream}`,
    bytes: 0,
    sha256: createHash('sha256').digest('hex'),
    chunks: 1,
    truncated: false,
  });
  return {
    job_id: jobId,
    status: 'succeeded',
    exit_code: 0,
    duration_ms: 1,
    started_at: null,
    finished_at: new Date().toISOString(),
    streams: { stdout: summary('stdout'), stderr: summary('stderr') },
  };
}

const files = () => readdirSync(dir).sort();

it('a restarted runner finds every unacked job with its chunks and result; an acked one is gone', async () => {
  const first = spoolAt();
  await first.begin('job_a', request('job_a'));
  first.appendChunk('job_a', chunk('job_a', 0, 'one\n'));
  first.appendChunk('job_a', chunk('job_a', 1, 'two\n'));
  await first.finish('job_a', result('job_a'));
  await first.begin('job_b', request('job_b'));
  first.appendChunk('job_b', chunk('job_b', 0, 'b\n'));
  await first.begin('job_c', request('job_c'));
  await first.finish('job_c', result('job_c'));
  first.remove('job_c'); // acked
  expect(Spool.pendingJobIds(dir).sort()).toEqual(['job_a', 'job_b']);
  first.close();

  const again = spoolAt();
  const listed = again.list().sort((x, y) => x.jobId.localeCompare(y.jobId));
  expect(listed).toMatchObject([
    { jobId: 'job_a', result: { status: 'succeeded' }, lastSeq: { stdout: 1, stderr: -1 } },
    { jobId: 'job_b', result: undefined, lastSeq: { stdout: 0, stderr: -1 } },
  ]);
  expect(again.has('job_c')).toBe(false);
  expect(
    again.chunks('job_a', 'stdout').map((c) => Buffer.from(c.data, 'base64').toString()),
  ).toEqual(['one\n', 'two\n']);
  expect(again.chunks('job_a', 'stdout', [1]).map((c) => c.seq)).toEqual([1]);
  // A restarted runner never appends to an old file (its tail may be torn).
  expect(files()).toEqual(['spool-000001.jsonl', 'spool-000002.jsonl']);
  await again.finish('job_b', result('job_b'));
  again.remove('job_a');
  again.remove('job_b');
  expect(files()).toEqual(['spool-000002.jsonl']); // the old file went with its last live job
  expect(Spool.pendingJobIds(dir)).toEqual([]);
});

it('a torn last line from a crash is ignored and later lines stay readable', async () => {
  const first = spoolAt();
  await first.begin('job_a', request('job_a'));
  first.close();
  writeFileSync(join(dir, 'spool-000001.jsonl'), '{"t":"result","job":"job_a","res', { flag: 'a' });
  const again = spoolAt();
  expect(again.result('job_a')).toBeUndefined();
  await again.finish('job_a', result('job_a'));
  again.close();
  expect(spoolAt().result('job_a')).toMatchObject({ status: 'succeeded' });
});

it('rotates to a new file when a live job made the current one large; chunks stay readable', async () => {
  const spool = spoolAt();
  await spool.begin('job_big', request('job_big'));
  const text = 'x'.repeat(200 * 1024);
  for (let seq = 0; seq < 45; seq += 1) spool.appendChunk('job_big', chunk('job_big', seq, text));
  await spool.begin('job_next', request('job_next')); // past 8 MiB: a new file
  expect(files()).toEqual(['spool-000001.jsonl', 'spool-000002.jsonl']);
  spool.appendChunk('job_big', chunk('job_big', 45, 'tail\n'));
  await spool.finish('job_big', result('job_big'));
  expect(spool.chunks('job_big', 'stdout', [0, 45]).map((c) => c.size)).toEqual([200 * 1024, 5]);
  spool.remove('job_big');
  expect(files()).toEqual(['spool-000002.jsonl']);
  expect(spool.list().map((j) => j.jobId)).toEqual(['job_next']);
});

it('imports jobs spooled by an older runner (one folder per job) and drops the folders', () => {
  mkdirSync(join(dir, 'job_old'), { recursive: true });
  writeFileSync(join(dir, 'job_old', 'request.json'), JSON.stringify(request('job_old')));
  writeFileSync(
    join(dir, 'job_old', 'chunks.jsonl'),
    `${JSON.stringify(chunk('job_old', 0, 'kept\n'))}\n{"torn`,
  );
  writeFileSync(join(dir, 'job_old', 'result.json'), JSON.stringify(result('job_old')));
  const spool = spoolAt();
  expect(existsSync(join(dir, 'job_old'))).toBe(false);
  expect(spool.result('job_old')).toMatchObject({ status: 'succeeded' });
  expect(spool.chunks('job_old', 'stdout').map((c) => c.seq)).toEqual([0]);
  expect(Spool.pendingJobIds(dir)).toEqual(['job_old']);
});

it('a lost job is closed from the chunks on disk: contiguous ones counted and hashed, none is one empty chunk', async () => {
  const spool = spoolAt();
  await spool.begin('j9', request('j9'));
  for (const [seq, text] of [
    [0, 'one\n'],
    [1, 'two\n'],
    [3, 'after a gap\n'],
  ] as const)
    spool.appendChunk('j9', chunk('j9', seq, text));
  spool.close();
  open.length = 0;
  const reopened = spoolAt();
  const result = lostJobResult(reopened, 'j9');
  expect(result).toMatchObject({ status: 'lost', error: { code: 'RUNNER_RESTARTED' } });
  expect(result.streams.stdout).toEqual({
    transfer_id: 'j9.stdout',
    bytes: 8,
    sha256: createHash('sha256').update('one\ntwo\n').digest('hex'),
    chunks: 2,
    truncated: false,
  });
  const empty = createHash('sha256').digest('hex');
  expect(result.streams.stderr).toMatchObject({ bytes: 0, chunks: 1, sha256: empty });
  expect(reopened.chunks('j9', 'stderr')).toMatchObject([
    { seq: 0, total: 1, size: 0, sha256: empty, whole_size: 0 },
  ]);
});
