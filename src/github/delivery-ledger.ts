import type { ExperienceStore } from '../store/experience-store.ts';

/** Defaults: GitHub keeps deliveries for 3 days, so ids older than a week cannot come back. */
const DELIVERY_LEDGER_DEFAULTS = {
  maxEntries: 20_000,
  maxAgeMs: 7 * 24 * 3_600_000,
} as const;

export interface DeliveryLedgerOptions {
  /** Most ids kept; the oldest go first. Default 20,000. */
  maxEntries?: number;
  /** Ids older than this are forgotten. Default 7 days. */
  maxAgeMs?: number;
  now?: () => Date;
}

type Ledger = Record<string, string>;

/**
 * The X-GitHub-Delivery ids already taken, in the experience store (collection `deliveries`,
 * id → ISO time), so a redelivery (same id) or a duplicate is processed at most once, across
 * restarts and processes. Retention is bounded by count and age.
 *
 * @example if (await ledger.claim(context.id)) await handle(context);
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

  /** True when this call took the id (process it); false when it was seen before (skip it). */
  claim(id: string): Promise<boolean> {
    return this.#store.update((data) => {
      const ledger = ((data['deliveries'] as Ledger | undefined) ?? {}) as Ledger;
      data['deliveries'] = ledger;
      if (ledger[id] !== undefined) return false;
      const now = this.#now();
      ledger[id] = now.toISOString();
      this.#prune(ledger, now);
      return true;
    });
  }

  /** Gives an id back after a failure that left nothing done, so a redelivery is processed. */
  async release(id: string): Promise<void> {
    await this.#store.update((data) => {
      const ledger = data['deliveries'] as Ledger | undefined;
      if (ledger) delete ledger[id];
    });
  }

  #prune(ledger: Ledger, now: Date): void {
    const cutoff = now.getTime() - this.#maxAgeMs;
    const entries = Object.entries(ledger);
    const stale = entries.filter(([, at]) => Date.parse(at) < cutoff).map(([id]) => id);
    for (const id of stale) delete ledger[id];
    const left = entries.length - stale.length;
    if (left <= this.#maxEntries) return;
    const oldest = Object.entries(ledger)
      .sort((a, b) => a[1].localeCompare(b[1]))
      .slice(0, left - this.#maxEntries);
    for (const [id] of oldest) delete ledger[id];
  }
}
