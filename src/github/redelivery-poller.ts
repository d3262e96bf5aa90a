import type { Logger } from 'pino';
import type { KoOctokit } from '../commands/dispatch/dispatch-types.ts';

/** Defaults, visible in one place. */
const REDELIVERY_DEFAULTS = {
  /** How often to look. GitHub never redelivers on its own. */
  intervalMs: 5 * 60_000,
  /** Only failures this recent are redelivered (GitHub keeps deliveries 3 days). */
  lookbackMs: 24 * 3_600_000,
  /** At most this many redelivery requests per pass. */
  maxPerPass: 20,
  /** At most this many pages of 100 deliveries read per pass. */
  maxPages: 5,
  /** Attempts (the first one included) after which a delivery is left alone. */
  maxAttempts: 4,
} as const;

export interface RedeliveryOptions {
  /** An Octokit authenticated as the app (JWT): Probot's `app.auth()`. */
  appOctokit: () => Promise<KoOctokit>;
  logger: Logger;
  /** Audits every redelivery request. */
  audit: (input: {
    guid: string;
    deliveryId: number;
    event: string;
    outcome: string;
  }) => Promise<void>;
  intervalMs?: number;
  lookbackMs?: number;
  maxPerPass?: number;
  maxPages?: number;
  maxAttempts?: number;
  now?: () => Date;
}

interface DeliverySummary {
  id: number;
  guid: string;
  delivered_at: string;
  status_code: number;
  event: string;
  action?: string | null;
}

export interface RedeliveryPassResult {
  scanned: number;
  requested: string[];
  failed: string[];
}

function ok(code: number): boolean {
  return code >= 200 && code < 300;
}

/**
 * Lists the app's webhook deliveries and asks GitHub to redeliver each one that only ever failed
 * (GET /app/hook/deliveries, POST /app/hook/deliveries/{id}/attempts): bounded per pass, by age
 * and by attempts, every request logged and audited. The same X-GitHub-Delivery comes back, so
 * the delivery ledger still processes it at most once.
 *
 * @example const poller = new RedeliveryPoller({ appOctokit: () => app.auth(), logger, audit }); poller.start();
 */
export class RedeliveryPoller {
  readonly #o: Required<Omit<RedeliveryOptions, 'now'>> & { now: () => Date };
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<RedeliveryPassResult> | undefined;

  constructor(options: RedeliveryOptions) {
    this.#o = { ...REDELIVERY_DEFAULTS, now: () => new Date(), ...options };
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      void this.runOnce().catch((error: unknown) =>
        this.#o.logger.warn({ err: error }, 'redelivery pass failed'),
      );
    }, this.#o.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  /** One pass; concurrent calls share the pass in flight. */
  runOnce(): Promise<RedeliveryPassResult> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #pass(): Promise<RedeliveryPassResult> {
    const octokit = await this.#o.appOctokit();
    const since = this.#o.now().getTime() - this.#o.lookbackMs;
    const all: DeliverySummary[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < this.#o.maxPages; page += 1) {
      const response = await octokit.request('GET /app/hook/deliveries', {
        per_page: 100,
        ...(cursor === undefined ? {} : { cursor }),
      });
      const items = response.data as DeliverySummary[];
      all.push(...items);
      cursor = /[?&]cursor=([^&>]+)[^>]*>;\s*rel="next"/.exec(response.headers.link ?? '')?.[1];
      const oldest = items.at(-1);
      if (cursor === undefined || (oldest && Date.parse(oldest.delivered_at) < since)) break;
    }
    const byGuid = new Map<string, DeliverySummary[]>();
    for (const item of all) byGuid.set(item.guid, [...(byGuid.get(item.guid) ?? []), item]);
    const result: RedeliveryPassResult = { scanned: all.length, requested: [], failed: [] };
    for (const [guid, attempts] of byGuid) {
      if (result.requested.length + result.failed.length >= this.#o.maxPerPass) break;
      if (attempts.some((a) => ok(a.status_code))) continue;
      if (attempts.length >= this.#o.maxAttempts) continue;
      const latest = attempts.reduce((a, b) =>
        Date.parse(b.delivered_at) > Date.parse(a.delivered_at) ? b : a,
      );
      if (Date.parse(latest.delivered_at) < since) continue;
      try {
        await octokit.request('POST /app/hook/deliveries/{delivery_id}/attempts', {
          delivery_id: latest.id,
        });
        result.requested.push(guid);
        this.#o.logger.info(
          { delivery: guid, event: latest.event, attempts: attempts.length },
          'redelivery requested',
        );
        await this.#o.audit({
          guid,
          deliveryId: latest.id,
          event: latest.event,
          outcome: 'requested',
        });
      } catch (error) {
        result.failed.push(guid);
        this.#o.logger.warn({ err: error, delivery: guid }, 'redelivery request failed');
        await this.#o.audit({
          guid,
          deliveryId: latest.id,
          event: latest.event,
          outcome: 'failed',
        });
      }
    }
    return result;
  }
}
