import { describe, expect, it } from 'vitest';
import { FaultInjector } from '../../../src/sandbox/fault-injector.ts';

describe('FaultInjector', () => {
  it('fires request faults N times, in arming order, only for matching requests', () => {
    const f = new FaultInjector();
    f.armRequests({ kind: 'server-error', status: 503 }, 1, /^GET \/repos\/o\/r$/);
    f.armRequests({ kind: 'rate-limit', resetInSeconds: 5 }, 2);
    const seen = [
      f.takeRequestFault('POST', '/repos/o/r/pulls'),
      f.takeRequestFault('GET', '/repos/o/r'),
      f.takeRequestFault('GET', '/repos/o/r'),
      f.takeRequestFault('GET', '/app'),
    ].map((x) => x?.kind ?? 'none');
    expect(seen).toEqual(['rate-limit', 'server-error', 'rate-limit', 'none']);
    expect(f.pending()).toEqual({ requests: 0, deliveries: 0 });
  });

  it('drops then duplicates deliveries as armed, and clear() disarms everything', () => {
    const f = new FaultInjector();
    f.armDeliveries('drop', 2);
    f.armDeliveries('duplicate', 1);
    expect([
      f.takeDeliveryFault(),
      f.takeDeliveryFault(),
      f.takeDeliveryFault(),
      f.takeDeliveryFault(),
    ]).toEqual(['drop', 'drop', 'duplicate', undefined]);
    f.armRequests({ kind: 'server-error', status: 502 }, 3);
    f.armRequests({ kind: 'server-error', status: 502 }, 0);
    expect(f.pending().requests).toBe(3);
    f.clear();
    expect(f.takeRequestFault('GET', '/')).toBeUndefined();
  });
});
