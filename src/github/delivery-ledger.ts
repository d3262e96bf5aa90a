import type { ExperienceData } from '../store/experience-types.ts';
import type { ExperienceStore } from '../store/experience-store.ts';

/** Defaults: GitHub keeps deliveries for 3 days, so ids older than a week cannot come back. */
const DELIVERY_LEDGER_DEFAULTS = {
  maxEntries: 20_000,
  maxAgeMs: 7 * 24 * 3_600_000,
} as const;

export interface DeliveryLedgerOptions {
  /** Most finished ids kept; the oldest go first. Unfinished ones are never dropped. Default 20,000. */
  maxEntries?: number;
  /** Finished ids older than this are forgotten. Default 7 days. */
  maxAgeMs?: number;
  now?: () => Date;
}

/** received → running → done | failed. Only `received` is picked up by a worker. */
export type DeliveryState = 'received' | 'running' | 'done' | 'failed';

export interface DeliveryError {
  code: string;
  message: string;
  /** True when only TRANSIENT failures were seen: a redelivery of the same id is taken again. */
  retryable: boolean;
}

/** One X-GitHub-Delivery as the ledger keeps it (collection `deliveries`, keyed by the id). */
export interface DeliveryRecord {
  state: DeliveryState;
  event: string;
  /** Deliveries with one key are handled one at a time, in arrival order (see delivery-key.ts). */
  key: string;
  /** Arrival order across the ledger. */
  seq: number;
  received_at: string;
  updated_at: string;
  /** Handler runs so far (TRANSIENT failures are retried). */
  attempts: number;
  /** The parsed body, kept only until the delivery is finished (GitHub keeps it 3 days). */
  payload?: unknown;
  /** The process (`host:pid`) that runs it, while `running`. */
  worker?: string;
  error?: DeliveryError;
}

/** What a receiver hands the ledger. */
export interface IncomingDelivery {
  id: string;
  event: string;
  key: string;
  payload: unknown;
}

/** A delivery to hand to the queue. */
export interface QueuedDelivery {
  id: string;
  key: string;
}

/** What `recover` found: work to queue again, and runs a dead process left half-done. */
export interface RecoveredDeliveries {
  pending: QueuedDelivery[];
  interrupted: { id: string; event: string; worker: string | undefined }[];
}

/** The first ledger (before the queue) kept `id → ISO time` for deliveries handled in-line. */
type Stored = DeliveryRecord | string;
type Ledger = Record<string, Stored>;

const SEQ_COUNTER = 'delivery_seq';

function normalize(stored: Stored): DeliveryRecord {
  if (typeof stored !== 'string') return stored;
  return {
    state: 'done',
    event: 'unknown',
    key: 'unknown',
    seq: 0,
    received_at: stored,
    updated_at: stored,
    attempts: 1,
  };
}

function ledgerOf(data: ExperienceData): Ledger {
  const ledger = (data['deliveries'] as Ledger | undefined) ?? {};
  data['deliveries'] = ledger;
  return ledger;
}

/**
 * The durable record of every X-GitHub-Delivery, in the experience store (collection
 * `deliveries`): a delivery is written here, payload included, before GitHub gets its 2xx, so a
 * crash after the answer loses nothing; each id is taken at most once (a redelivery keeps the
 * id), across restarts and processes. Finished entries are bounded by count and age; the payload
 * is dropped once a delivery is done or failed.
 *
 * @example if (await ledger.receive({ id, event: 'issue_comment', key: 'o/r#1', payload })) queue.enqueue({ id, key: 'o/r#1' });
 */
export class DeliveryLedger {
  readonly #store: ExperienceStore;
  readonly #maxEntries: number;
  readonly #maxAgeMs: number;
  readonly #now: () => Date;

  constructor(store: ExperienceStore, options: DeliveryLedgerOptions = {}) {
    this.#store = store;
    this.#maxEntries = options.maxEntries ?? DELIVERY_LEDGER_DEFAULTS.maxEntries;
    this.#maxAgeMs = options.maxAgeMs ?? DELIVERY_LEDGER_DEFAULTS.maxAgeMs;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * Records a delivery as `received`. True when it was taken (queue it); false for an id seen
   * before, unless its earlier run failed only for TRANSIENT reasons (then a redelivery is taken).
   */
  receive(delivery: IncomingDelivery): Promise<boolean> {
    return this.#store.update((data) => {
      const ledger = ledgerOf(data);
      const seen = ledger[delivery.id];
      const earlier = seen === undefined ? undefined : normalize(seen);
      if (earlier && !(earlier.state === 'failed' && earlier.error?.retryable === true)) {
        return false;
      }
      const now = this.#now().toISOString();
      const seq = (data.counters[SEQ_COUNTER] ?? 0) + 1;
      data.counters[SEQ_COUNTER] = seq;
      ledger[delivery.id] = {
        state: 'received',
        event: delivery.event,
        key: delivery.key,
        seq,
        received_at: earlier?.received_at ?? now,
        updated_at: now,
        attempts: earlier?.attempts ?? 0,
        payload: delivery.payload,
      };
      this.#prune(ledger);
      return true;
    });
  }

  /**
   * Takes a `received` delivery for `worker` (→ `running`) and returns it with its payload;
   * undefined when it is not waiting (finished, or taken by another worker).
   */
  start(id: string, worker: string): Promise<DeliveryRecord | undefined> {
    return this.#store.update((data) => {
      const ledger = ledgerOf(data);
      const stored = ledger[id];
      if (stored === undefined || typeof stored === 'string' || stored.state !== 'received') {
        return undefined;
      }
      const record: DeliveryRecord = {
        ...stored,
        state: 'running',
        worker,
        updated_at: this.#now().toISOString(),
      };
      ledger[id] = record;
      return structuredClone(record);
    });
  }

  /** Ends a running delivery: `done`, or `failed` with its error; the payload is dropped. */
  finish(id: string, outcome: { attempts: number; error?: DeliveryError }): Promise<void> {
    return this.#store.update((data) => {
      const ledger = ledgerOf(data);
      const stored = ledger[id];
      if (stored === undefined || typeof stored === 'string') return;
      const { payload: _payload, worker: _worker, error: _error, ...rest } = stored;
      ledger[id] = {
        ...rest,
        state: outcome.error ? 'failed' : 'done',
        attempts: stored.attempts + outcome.attempts,
        updated_at: this.#now().toISOString(),
        ...(outcome.error ? { error: outcome.error } : {}),
      };
    });
  }

  /**
   * At start: deliveries still `received` are handed back in arrival order (queue them again);
   * `running` ones whose worker is gone are marked failed (INTERRUPTED, not retried: the handler
   * may have done part of its work, and at most once wins over at least once). `isAlive` says
   * whether a worker id belongs to a live process other than this one.
   */
  recover(isAlive: (worker: string | undefined) => boolean): Promise<RecoveredDeliveries> {
    return this.#store.update((data) => {
      const ledger = ledgerOf(data);
      const found: RecoveredDeliveries = { pending: [], interrupted: [] };
      const waiting: (QueuedDelivery & { seq: number })[] = [];
      for (const [id, stored] of Object.entries(ledger)) {
        if (typeof stored === 'string') continue;
        if (stored.state === 'received') waiting.push({ id, key: stored.key, seq: stored.seq });
        if (stored.state !== 'running' || isAlive(stored.worker)) continue;
        found.interrupted.push({ id, event: stored.event, worker: stored.worker });
        const { payload: _payload, worker: _worker, ...rest } = stored;
        ledger[id] = {
          ...rest,
          state: 'failed',
          attempts: stored.attempts + 1,
          updated_at: this.#now().toISOString(),
          error: {
            code: 'DELIVERY_INTERRUPTED',
            message: `the process handling it (${stored.worker ?? 'unknown'}) stopped before it finished`,
            retryable: false,
          },
        };
      }
      found.pending = waiting.sort((a, b) => a.seq - b.seq).map(({ id, key }) => ({ id, key }));
      return found;
    });
  }

  /** The record of one id as stored now (a copy), or undefined. */
  async get(id: string): Promise<DeliveryRecord | undefined> {
    const stored = ((await this.#store.read())['deliveries'] as Ledger | undefined)?.[id];
    return stored === undefined ? undefined : structuredClone(normalize(stored));
  }

  #prune(ledger: Ledger): void {
    const cutoff = this.#now().getTime() - this.#maxAgeMs;
    const finished = Object.entries(ledger)
      .map(([id, stored]) => [id, normalize(stored)] as const)
      .filter(([, record]) => record.state === 'done' || record.state === 'failed');
    const kept = finished.filter(([id, record]) => {
      if (Date.parse(record.updated_at) >= cutoff) return true;
      delete ledger[id];
      return false;
    });
    if (kept.length <= this.#maxEntries) return;
    kept
      .sort((a, b) => a[1].updated_at.localeCompare(b[1].updated_at))
      .slice(0, kept.length - this.#maxEntries)
      .forEach(([id]) => delete ledger[id]);
  }
}
