/** Where a DurableLog runs its fdatasync: on the event loop, or on libuv's thread pool. */
type SyncPlace = 'loop' | 'pool';

/** Syncs slower than this (upper median of the recent ones) go to the thread pool. */
const DEFAULT_LOOP_SYNC_MAX_MS = 1;
/**
 * How many recent on-loop syncs the median is taken over: one hiccup does not move syncs, and
 * half of them slow does.
 */
const WINDOW = 8;
/** While on the pool, one sync in this many is timed on the loop again (doubling up to the max). */
const PROBE_FIRST = 16;
const PROBE_MAX = 1024;

/**
 * Decides, from how long recent syncs took, whether the next fdatasync runs on the event loop or
 * on the thread pool. On a fast disk (a fraction of a millisecond per sync) the pool's hand-off
 * costs more than the sync: a worker thread must be woken and scheduled, then must wake the loop,
 * and on a small, busy host that wait is the slowest part of a job's round trip (ADR 0004
 * addendum). On a slow disk (antivirus, network storage) a sync on the loop would stall every
 * socket, so slow syncs go to the pool.
 *
 * Only syncs run on the loop are timed (a pool sync's time would include the hand-off): the
 * first sync runs there, and while syncs go to the pool, a rare probe runs there again, so a
 * disk that got faster is noticed. One placement serves every log a component opens over time
 * (the spool's files, the queue's log after compaction), so a slow disk is timed on the loop
 * once per process, not once per file. `loopSyncMaxMs: 0` keeps every sync on the pool.
 *
 * @example
 * const placement = new SyncPlacement();
 * const place = placement.next(); // 'loop' | 'pool'
 * if (place === 'loop') { const t = performance.now(); fdatasyncSync(fd); placement.record(performance.now() - t); }
 */
export class SyncPlacement {
  readonly #maxMs: number;
  readonly #recent: number[] = [];
  #poolSyncs = 0;
  #probeEvery = PROBE_FIRST;

  constructor(loopSyncMaxMs = DEFAULT_LOOP_SYNC_MAX_MS) {
    this.#maxMs = loopSyncMaxMs;
  }

  next(): SyncPlace {
    if (this.#maxMs <= 0) return 'pool';
    if (this.#recent.length === 0 || this.#fast()) return 'loop';
    this.#poolSyncs += 1;
    if (this.#poolSyncs < this.#probeEvery) return 'pool';
    this.#poolSyncs = 0;
    this.#probeEvery = Math.min(PROBE_MAX, this.#probeEvery * 2);
    return 'loop';
  }

  /** The duration of one sync run on the loop. */
  record(ms: number): void {
    this.#recent.push(ms);
    if (this.#recent.length > WINDOW) this.#recent.shift();
    if (this.#fast()) this.#probeEvery = PROBE_FIRST;
  }

  /** The (upper) median of the recent on-loop syncs, undefined before the first one. */
  get medianMs(): number | undefined {
    if (this.#recent.length === 0) return undefined;
    const sorted = [...this.#recent].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  }

  #fast(): boolean {
    return (this.medianMs ?? Infinity) <= this.#maxMs;
  }
}
