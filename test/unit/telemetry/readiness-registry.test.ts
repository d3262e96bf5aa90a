import { describe, expect, it } from 'vitest';
import { createReadinessRegistry } from '../../../src/telemetry/health/readiness-registry.ts';

describe('createReadinessRegistry', () => {
  it('runs every check and reports each result in registration order', async () => {
    const registry = createReadinessRegistry({ timeoutMs: 200 });
    registry.registerReadinessCheck('ok', () => 'fine');
    registry.registerReadinessCheck('throws', () => {
      throw new Error('db down');
    });
    registry.registerReadinessCheck('rejects', async () => Promise.reject(new Error('queue down')));
    registry.registerReadinessCheck('hangs', () => new Promise<void>(() => undefined));
    const results = await registry.runChecks();
    expect(results.map(({ name, status, detail }) => ({ name, status, detail }))).toEqual([
      { name: 'ok', status: 'ok', detail: 'fine' },
      { name: 'throws', status: 'fail', detail: 'db down' },
      { name: 'rejects', status: 'fail', detail: 'queue down' },
      { name: 'hangs', status: 'fail', detail: 'no answer within 200 ms' },
    ]);
  });

  it('replaces a check registered again under the same name', async () => {
    const registry = createReadinessRegistry();
    registry.registerReadinessCheck('x', () => {
      throw new Error('old');
    });
    registry.registerReadinessCheck('x', () => undefined);
    expect(await registry.runChecks()).toMatchObject([{ name: 'x', status: 'ok' }]);
  });
});
