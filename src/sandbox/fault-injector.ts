/** A fault for the next API requests. */
export type RequestFault =
  | { kind: 'rate-limit'; resetInSeconds: number }
  | { kind: 'secondary-rate-limit'; retryAfterSeconds: number; status: 403 | 429 }
  | { kind: 'server-error'; status: 500 | 502 | 503 | 504 };

interface Armed {
  fault: RequestFault;
  remaining: number;
  /** only requests whose `METHOD /path` matches are hit */
  match: RegExp | undefined;
}

/** What happens to the next webhook deliveries. */
type DeliveryFault = 'drop' | 'duplicate';

/**
 * Holds the faults a test arms: the next N requests (optionally only matching ones) fail in a
 * chosen way, and the next N webhook deliveries are dropped or sent twice.
 *
 * @example
 * const f = new FaultInjector();
 * f.armRequests({ kind: 'server-error', status: 502 }, 2);
 * f.takeRequestFault('GET', '/repos/o/r'); // { kind: 'server-error', status: 502 }
 */
export class FaultInjector {
  private requests: Armed[] = [];
  private deliveries: { fault: DeliveryFault; remaining: number }[] = [];

  armRequests(fault: RequestFault, count: number, match?: RegExp): void {
    if (count > 0) this.requests.push({ fault, remaining: count, match });
  }

  armDeliveries(fault: DeliveryFault, count: number): void {
    if (count > 0) this.deliveries.push({ fault, remaining: count });
  }

  /** The fault for this request, if one is armed and matches (consuming one use). */
  takeRequestFault(method: string, path: string): RequestFault | undefined {
    const line = `${method.toUpperCase()} ${path}`;
    const armed = this.requests.find((a) => !a.match || a.match.test(line));
    if (!armed) return undefined;
    armed.remaining -= 1;
    if (armed.remaining <= 0) this.requests = this.requests.filter((a) => a !== armed);
    return armed.fault;
  }

  takeDeliveryFault(): DeliveryFault | undefined {
    const armed = this.deliveries[0];
    if (!armed) return undefined;
    armed.remaining -= 1;
    if (armed.remaining <= 0) this.deliveries.shift();
    return armed.fault;
  }

  /** How many faults are still armed (for a test's final check). */
  pending(): { requests: number; deliveries: number } {
    return {
      requests: this.requests.reduce((n, a) => n + a.remaining, 0),
      deliveries: this.deliveries.reduce((n, a) => n + a.remaining, 0),
    };
  }

  clear(): void {
    this.requests = [];
    this.deliveries = [];
  }
}
