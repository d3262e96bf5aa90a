// The delivery ledger on a real experience store: recorded before the answer, at most once,
// received → running → done | failed, recovery after a crash, bounded by count and by age.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryLedger, type IncomingDelivery } from '../../../src/github/delivery-ledger.ts';
import { ExperienceStore } from '../../../src/store/experience-store.ts';

const dirs: string[] = [];
const quiet = pino({ enabled: false });

async function open(): Promise<ExperienceStore> {
  const dir = mkdtempSync(join(tmpdir(), 'ko-ledger-'));
  dirs.push(dir);
  return ExperienceStore.open({ dataDir: dir, logger: quiet, fsync: false });
}

function delivery(id: string, key = 'acme/app#1'): IncomingDelivery {
  return { id, event: 'issue_comment', key, payload: { action: 'created', comment: { id: 7 } } };
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('DeliveryLedger', () => {
  it('takes an id once, also across store instances (a restart), and keeps its payload until done', async () => {
    const store = await open();
    const ledger = new DeliveryLedger(store);
    expect(await ledger.receive(delivery('d-1'))).toBe(true);
    expect(await ledger.receive(delivery('d-1'))).toBe(false);
    const again = new DeliveryLedger(
      await ExperienceStore.open({ dataDir: join(store.file, '..'), logger: quiet }),
    );
    expect(await again.receive(delivery('d-1'))).toBe(false);
    expect(await again.get('d-1')).toMatchObject({
      state: 'received',
      payload: { comment: { id: 7 } },
    });
    const started = await again.start('d-1', 'host:1');
    expect(started).toMatchObject({ state: 'running', worker: 'host:1', event: 'issue_comment' });
    expect(await again.start('d-1', 'host:2')).toBeUndefined();
    await again.finish('d-1', { attempts: 1 });
    const done = await again.get('d-1');
    expect(done).toMatchObject({ state: 'done', attempts: 1 });
    expect(done).not.toHaveProperty('payload');
    expect(done).not.toHaveProperty('worker');
  });

  it('a failure is recorded; only a TRANSIENT-only one lets a redelivery of the id in again', async () => {
    const ledger = new DeliveryLedger(await open());
    for (const id of ['hard', 'soft']) {
      await ledger.receive(delivery(id));
      await ledger.start(id, 'host:1');
    }
    await ledger.finish('hard', {
      attempts: 1,
      error: { code: 'UNEXPECTED', message: 'boom', retryable: false },
    });
    await ledger.finish('soft', {
      attempts: 4,
      error: { code: 'HTTP_502', message: 'bad gateway', retryable: true },
    });
    expect(await ledger.get('hard')).toMatchObject({
      state: 'failed',
      error: { code: 'UNEXPECTED' },
    });
    expect(await ledger.receive(delivery('hard'))).toBe(false);
    expect(await ledger.receive(delivery('soft'))).toBe(true);
    expect(await ledger.get('soft')).toMatchObject({ state: 'received', attempts: 4 });
    expect(await ledger.receive(delivery('soft'))).toBe(false);
  });

  it('reads ids the first ledger kept (id → time) as done', async () => {
    const store = await open();
    await store.update((data) => {
      data['deliveries'] = { old: '2026-11-27T10:00:00.000Z' };
    });
    const ledger = new DeliveryLedger(store);
    expect(await ledger.receive(delivery('old'))).toBe(false);
    expect(await ledger.get('old')).toMatchObject({ state: 'done' });
  });

  it('recover: received ones come back in arrival order, running ones of dead workers fail as interrupted', async () => {
    const ledger = new DeliveryLedger(await open());
    await ledger.receive(delivery('a', 'acme/app#1'));
    await ledger.receive(delivery('b', 'acme/app#2'));
    await ledger.receive(delivery('c', 'acme/app#1'));
    await ledger.receive(delivery('d', 'acme/app#3'));
    await ledger.start('a', 'host:dead');
    await ledger.start('d', 'host:alive');
    const found = await ledger.recover((worker) => worker === 'host:alive');
    expect(found.pending).toEqual([
      { id: 'b', key: 'acme/app#2' },
      { id: 'c', key: 'acme/app#1' },
    ]);
    expect(found.interrupted).toEqual([{ id: 'a', event: 'issue_comment', worker: 'host:dead' }]);
    expect(await ledger.get('a')).toMatchObject({
      state: 'failed',
      error: { code: 'DELIVERY_INTERRUPTED', retryable: false },
    });
    expect(await ledger.get('a')).not.toHaveProperty('payload');
    expect(await ledger.get('d')).toMatchObject({ state: 'running' });
  });

  it('keeps at most maxEntries finished ids, dropping the oldest, never an unfinished one', async () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const store = await open();
    const ledger = new DeliveryLedger(store, { maxEntries: 2, now: () => new Date((t += 1_000)) });
    await ledger.receive(delivery('waiting'));
    for (const id of ['a', 'b', 'c', 'd']) {
      await ledger.receive(delivery(id));
      await ledger.start(id, 'host:1');
      await ledger.finish(id, { attempts: 1 });
    }
    await ledger.receive(delivery('e'));
    expect(Object.keys((await store.read())['deliveries'] as object).sort()).toEqual([
      'c',
      'd',
      'e',
      'waiting',
    ]);
    expect(await ledger.receive(delivery('a'))).toBe(true);
  });

  it('forgets finished ids older than maxAgeMs', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const store = await open();
    const ledger = new DeliveryLedger(store, { maxAgeMs: 60_000, now: () => new Date(now) });
    await ledger.receive(delivery('old'));
    await ledger.start('old', 'host:1');
    await ledger.finish('old', { attempts: 1 });
    await ledger.receive(delivery('stuck'));
    now += 120_000;
    await ledger.receive(delivery('new'));
    expect(Object.keys((await store.read())['deliveries'] as object).sort()).toEqual([
      'new',
      'stuck',
    ]);
  });
});
