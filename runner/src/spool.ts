import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type {
  ExecChunkBody,
  ExecRequestBody,
  ExecResultBody,
} from '../../contracts/ko-v1/generated/ko-v1.ts';

/** A job found in the spool at startup or reconnect. */
interface SpooledJob {
  jobId: string;
  request: ExecRequestBody;
  result: ExecResultBody | undefined;
  lastSeq: { stdout: number; stderr: number };
}

/**
 * The runner's on-disk promise that nothing is lost: a job's request, every output chunk and the
 * result stay under `<dir>/<job>/` until the hub acknowledges the result; a restarted or
 * reconnected runner resends from here. Chunks are appended without an fsync each (the process
 * crashing loses nothing from the page cache); the result is written only after they are synced.
 *
 * @example
 * const spool = new Spool('.ko-runner/spool');
 * spool.begin(jobId, request); spool.appendChunk(jobId, chunk); spool.finish(jobId, result);
 * spool.remove(jobId); // on ack
 */
export class Spool {
  readonly #dir: string;
  readonly #fds = new Map<string, number>();

  constructor(dir: string) {
    this.#dir = dir;
    mkdirSync(dir, { recursive: true });
  }

  #jobDir(jobId: string): string {
    if (!/^[A-Za-z0-9._:-]{1,128}$/.test(jobId) || jobId.startsWith('.'))
      throw new Error(`unsafe job id ${jobId}`);
    return join(this.#dir, jobId.replaceAll(':', '_'));
  }

  has(jobId: string): boolean {
    return existsSync(join(this.#jobDir(jobId), 'request.json'));
  }

  begin(jobId: string, request: ExecRequestBody): void {
    const dir = this.#jobDir(jobId);
    mkdirSync(dir, { recursive: true });
    // Not fsynced: creating a synced file costs ~50 ms on a journaling file system, on every
    // job. If the host crashes before the page cache is written, the runner comes back without
    // the job and the hub marks it lost (or requeues an idempotent one); nothing runs twice.
    writeFileSync(join(dir, 'request.json'), JSON.stringify(request), { mode: 0o600 });
  }

  appendChunk(jobId: string, chunk: ExecChunkBody): void {
    let fd = this.#fds.get(jobId);
    if (fd === undefined) {
      fd = openSync(join(this.#jobDir(jobId), 'chunks.jsonl'), 'a', 0o600);
      this.#fds.set(jobId, fd);
    }
    writeSync(fd, `${JSON.stringify(chunk)}\n`);
  }

  /** The spooled chunks of one stream with the given sequence numbers (all when omitted). */
  chunks(jobId: string, stream: 'stdout' | 'stderr', seqs?: number[]): ExecChunkBody[] {
    const file = join(this.#jobDir(jobId), 'chunks.jsonl');
    if (!existsSync(file)) return [];
    const wanted = seqs ? new Set(seqs) : undefined;
    const out: ExecChunkBody[] = [];
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line === '') continue;
      let chunk: ExecChunkBody;
      try {
        chunk = JSON.parse(line) as ExecChunkBody;
      } catch {
        continue; // a torn last line from a crash; the hub will nack it and the result says so
      }
      if (chunk.stream === stream && (!wanted || wanted.has(chunk.seq))) out.push(chunk);
    }
    return out;
  }

  finish(jobId: string, result: ExecResultBody): void {
    const fd = this.#fds.get(jobId);
    if (fd !== undefined) {
      fsyncSync(fd);
      closeSync(fd);
      this.#fds.delete(jobId);
    }
    writeAtomic(join(this.#jobDir(jobId), 'result.json'), JSON.stringify(result));
  }

  result(jobId: string): ExecResultBody | undefined {
    const file = join(this.#jobDir(jobId), 'result.json');
    return existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as ExecResultBody)
      : undefined;
  }

  remove(jobId: string): void {
    const fd = this.#fds.get(jobId);
    if (fd !== undefined) {
      closeSync(fd);
      this.#fds.delete(jobId);
    }
    rmSync(this.#jobDir(jobId), { recursive: true, force: true });
  }

  list(): SpooledJob[] {
    const out: SpooledJob[] = [];
    for (const name of readdirSync(this.#dir)) {
      const dir = join(this.#dir, name);
      const requestFile = join(dir, 'request.json');
      if (!existsSync(requestFile)) continue;
      let request: ExecRequestBody;
      try {
        request = JSON.parse(readFileSync(requestFile, 'utf8')) as ExecRequestBody;
      } catch {
        continue;
      }
      const jobId = request.job_id;
      const lastSeq = { stdout: -1, stderr: -1 };
      for (const stream of ['stdout', 'stderr'] as const) {
        for (const chunk of this.chunks(jobId, stream))
          lastSeq[stream] = Math.max(lastSeq[stream], chunk.seq);
      }
      out.push({ jobId, request, result: this.result(jobId), lastSeq });
    }
    return out;
  }

  close(): void {
    for (const fd of this.#fds.values()) closeSync(fd);
    this.#fds.clear();
  }
}

function writeAtomic(path: string, content: string): void {
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}
