import { closeSync, fsyncSync, mkdirSync, openSync, readSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type {
  ExecChunkBody,
  ExecRequestBody,
  ExecResultBody,
} from '../../contracts/ko-v1/generated/ko-v1.ts';
import { DurableLog } from '../../src/hub/durable-log.ts';
import { SyncPlacement } from '../../src/hub/sync-placement.ts';
import { importLegacySpool } from './spool-legacy.ts';

/** A job found in the spool at startup or reconnect. */
interface SpooledJob {
  jobId: string;
  request: ExecRequestBody;
  result: ExecResultBody | undefined;
  lastSeq: { stdout: number; stderr: number };
}

/** One line of a spool file. */
type SpoolRecord =
  | { t: 'req'; job: string; request: ExecRequestBody }
  | { t: 'chunk'; job: string; chunk: ExecChunkBody }
  | { t: 'result'; job: string; result: ExecResultBody }
  | { t: 'ack'; job: string };

interface ChunkPlace {
  file: number;
  offset: number;
  bytes: number;
}

interface Entry {
  request: ExecRequestBody;
  result: ExecResultBody | undefined;
  chunks: { stdout: Map<number, ChunkPlace>; stderr: Map<number, ChunkPlace> };
  /** Spool files holding a record of this job: a file is deleted once none of its jobs is live. */
  files: Set<number>;
}

/**
 * A new file is started past this size (or past the smaller one when no job is live), so acked
 * jobs' bytes go away with their file; never per job, since a new file costs a folder fsync.
 */
const ROTATE_BYTES = 8 * 1024 * 1024;
const IDLE_ROTATE_BYTES = 1024 * 1024;
const FILE_PATTERN = /^spool-(\d{6,})\.jsonl$/;

function fileName(n: number): string {
  return `spool-${String(n).padStart(6, '0')}.jsonl`;
}

/**
 * The runner's on-disk promise that nothing is lost: a job's request, every output chunk and the
 * result stay in the spool until the hub acknowledges the result; a restarted or reconnected
 * runner resends from here. The spool is a series of append-only JSONL files
 * (`<dir>/spool-NNNNNN.jsonl`, DurableLog) instead of a folder per job: a job costs appends to
 * one open file, no mkdir, file creation, rename or folder fsync. A file is deleted when every
 * job in it was acknowledged; a restarted runner never appends to an old file.
 *
 * Durability: `begin` resolves once the request is on disk (the runner accepts and runs only
 * then, so a job it accepted survives a host crash). Chunks are not synced one by one; `finish`
 * syncs the result together with every chunk before it. An ack is not synced: if it is lost,
 * the result goes out again and the hub acks it as a duplicate.
 *
 * @example
 * const spool = new Spool('.ko-runner/spool');
 * await spool.begin(jobId, request); spool.appendChunk(jobId, chunk);
 * await spool.finish(jobId, result); spool.remove(jobId); // on ack
 */
export class Spool {
  readonly #dir: string;
  readonly #jobs = new Map<string, Entry>();
  /** Read-only descriptors of older files that still hold live jobs. */
  readonly #old = new Map<number, number>();
  #log: DurableLog;
  #current: number;
  readonly #begun = new Map<string, Promise<void>>();
  /** The sync each rotated-out file got when it stopped taking appends. */
  readonly #rotationSyncs = new Map<number, Promise<void>>();
  /** Where syncs run, learned across every spool file this runner opens. */
  readonly #placement = new SyncPlacement();

  constructor(dir: string) {
    this.#dir = dir;
    mkdirSync(dir, { recursive: true });
    importLegacySpool(dir, fileName(nextFileNumber(dir)));
    const files = spoolFiles(dir);
    for (const n of files) this.#load(n);
    for (const n of files) {
      if (!this.#liveIn(n)) {
        rmSync(join(dir, fileName(n)), { force: true });
        continue;
      }
      // What a killed runner left in the page cache is made durable before anything builds on it
      // ('r+': Windows flushes only a handle opened for writing).
      const fd = openSync(join(dir, fileName(n)), 'r+');
      fsyncSync(fd);
      this.#old.set(n, fd);
    }
    this.#current = (files.at(-1) ?? 0) + 1;
    this.#log = DurableLog.open(join(dir, fileName(this.#current)), {
      placement: this.#placement,
    });
  }

  /** Jobs not acknowledged yet, read without opening the spool for writing (tests, tooling). */
  static pendingJobIds(dir: string): string[] {
    const live = new Set<string>();
    for (const n of spoolFiles(dir))
      for (const { record } of DurableLog.scan(join(dir, fileName(n)))) {
        const r = record as SpoolRecord;
        if (r?.t === 'req') live.add(r.job);
        else if (r?.t === 'ack') live.delete(r.job);
      }
    return [...live];
  }

  has(jobId: string): boolean {
    return this.#jobs.has(jobId);
  }

  /** Spools a request; resolves once it is on disk. Only then may the job be accepted and run. */
  begin(jobId: string, request: ExecRequestBody): Promise<void> {
    if (this.#log.size >= (this.#jobs.size === 0 ? IDLE_ROTATE_BYTES : ROTATE_BYTES))
      this.#rotate();
    const entry: Entry = {
      request,
      result: undefined,
      chunks: { stdout: new Map(), stderr: new Map() },
      files: new Set(),
    };
    this.#jobs.set(jobId, entry);
    let written: Promise<void>;
    try {
      written = this.#append(entry, { t: 'req', job: jobId, request }, true).written;
    } catch (error) {
      this.#jobs.delete(jobId);
      return Promise.reject(error as Error);
    }
    const durable = written.finally(() => this.#begun.delete(jobId));
    this.#begun.set(jobId, durable);
    return durable;
  }

  /** Resolves once the job's request is on disk (at once for one spooled earlier). */
  whenBegun(jobId: string): Promise<void> {
    return this.#begun.get(jobId) ?? Promise.resolve();
  }

  appendChunk(jobId: string, chunk: ExecChunkBody): void {
    const entry = this.#jobs.get(jobId);
    if (!entry) throw new Error(`job ${jobId} is not in the spool`);
    const place = this.#append(entry, { t: 'chunk', job: jobId, chunk }, false);
    entry.chunks[chunk.stream as 'stdout' | 'stderr'].set(chunk.seq, {
      file: this.#current,
      offset: place.offset,
      bytes: place.bytes,
    });
  }

  /** The spooled chunks of one stream with the given sequence numbers (all when omitted), in order. */
  chunks(jobId: string, stream: 'stdout' | 'stderr', seqs?: number[]): ExecChunkBody[] {
    const entry = this.#jobs.get(jobId);
    if (!entry) return [];
    const places = entry.chunks[stream];
    const wanted = seqs ?? [...places.keys()].sort((a, b) => a - b);
    const out: ExecChunkBody[] = [];
    for (const seq of wanted) {
      const place = places.get(seq);
      if (place) out.push((this.#read(place) as { chunk: ExecChunkBody }).chunk);
    }
    return out;
  }

  /**
   * Records the result; the returned promise resolves once it and every chunk before it are on
   * disk. The caller may send the result meanwhile: the hub acks only after its own copy is
   * durable, and until then this one is (at worst a host crash within one fdatasync would turn it
   * into a `lost` report on restart, never into a silent drop).
   */
  finish(jobId: string, result: ExecResultBody): Promise<void> {
    const entry = this.#jobs.get(jobId);
    if (!entry) return Promise.reject(new Error(`job ${jobId} is not in the spool`));
    entry.result = result;
    try {
      const { written } = this.#append(entry, { t: 'result', job: jobId, result }, true);
      // Chunks in an older file are synced by the rotation that closed it (see #rotate).
      const older = [...entry.files].map((n) => this.#rotationSyncs.get(n)).filter((p) => p);
      return older.length === 0 ? written : Promise.all([written, ...older]).then(() => undefined);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  result(jobId: string): ExecResultBody | undefined {
    return this.#jobs.get(jobId)?.result;
  }

  /** The hub acknowledged the result: the job leaves the spool (the ack line is not synced). */
  remove(jobId: string): void {
    const entry = this.#jobs.get(jobId);
    if (!entry) return;
    this.#jobs.delete(jobId);
    this.#begun.delete(jobId);
    this.#log.append({ t: 'ack', job: jobId } satisfies SpoolRecord, { durable: false }).catch(
      () => undefined, // a lost ack line only means the result is sent (and acked) once more
    );
    for (const n of entry.files) {
      const fd = this.#old.get(n);
      if (fd === undefined || this.#liveIn(n)) continue;
      closeSync(fd);
      this.#old.delete(n);
      this.#rotationSyncs.delete(n);
      rmSync(join(this.#dir, fileName(n)), { force: true });
    }
  }

  list(): SpooledJob[] {
    return [...this.#jobs].map(([jobId, entry]) => ({
      jobId,
      request: entry.request,
      result: entry.result,
      lastSeq: {
        stdout: Math.max(-1, ...entry.chunks.stdout.keys()),
        stderr: Math.max(-1, ...entry.chunks.stderr.keys()),
      },
    }));
  }

  close(): void {
    for (const fd of this.#old.values()) closeSync(fd);
    this.#old.clear();
    void this.#log.close();
  }

  #append(
    entry: Entry,
    record: SpoolRecord,
    durable: boolean,
  ): ReturnType<DurableLog['appendRecord']> {
    const receipt = this.#log.appendRecord(record, { durable });
    entry.files.add(this.#current);
    return receipt;
  }

  #read(place: ChunkPlace): unknown {
    if (place.file === this.#current) return this.#log.readAt(place.offset, place.bytes);
    const fd = this.#old.get(place.file);
    if (fd === undefined) throw new Error(`spool file ${fileName(place.file)} is gone`);
    const buffer = Buffer.alloc(place.bytes);
    const n = readSync(fd, buffer, 0, place.bytes, place.offset);
    return JSON.parse(buffer.toString('utf8', 0, n));
  }

  #liveIn(n: number): boolean {
    for (const entry of this.#jobs.values()) if (entry.files.has(n)) return true;
    return false;
  }

  /**
   * Starts a new file. The old one is synced, and a result that goes to the new file waits for
   * that sync, so it never stands on chunks still in the page cache.
   */
  #rotate(): void {
    const previous = this.#current;
    const old = this.#log;
    this.#current += 1;
    this.#log = DurableLog.open(join(this.#dir, fileName(this.#current)), {
      placement: this.#placement,
    });
    if (this.#liveIn(previous)) {
      this.#old.set(previous, openSync(join(this.#dir, fileName(previous)), 'r'));
      const synced = old.sync();
      synced.catch(() => undefined);
      this.#rotationSyncs.set(previous, synced);
    }
    void old.close().then(() => {
      if (!this.#liveIn(previous)) rmSync(join(this.#dir, fileName(previous)), { force: true });
    });
  }

  #load(n: number): void {
    for (const { record, offset, bytes } of DurableLog.scan(join(this.#dir, fileName(n)))) {
      const r = record as SpoolRecord;
      if (r?.t === 'req') {
        this.#jobs.set(r.job, {
          request: r.request,
          result: undefined,
          chunks: { stdout: new Map(), stderr: new Map() },
          files: new Set([n]),
        });
        continue;
      }
      const entry = this.#jobs.get(r?.job);
      if (!entry) continue;
      entry.files.add(n);
      if (r.t === 'chunk')
        entry.chunks[r.chunk.stream as 'stdout' | 'stderr'].set(r.chunk.seq, {
          file: n,
          offset,
          bytes,
        });
      else if (r.t === 'result') entry.result = r.result;
      else if (r.t === 'ack') this.#jobs.delete(r.job);
    }
  }
}

/** The numbers of the spool files in a folder, oldest first. */
function spoolFiles(dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((name) => FILE_PATTERN.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

function nextFileNumber(dir: string): number {
  return (spoolFiles(dir).at(-1) ?? 0) + 1;
}
