// The delivery ledger on a real experience store: at most once, bounded by count and by age.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryLedger } from '../../../src/github/delivery-ledger.ts';
import { ExperienceStore } from '../../../src/store/experience-store.ts';

const dirs: string[] = [];

async function open(): Promise<ExperienceStore> {
  const dir = mkdtempSync(join(tmpdir(), 'ko-ledger-'));
  dirs.push(dir);
  return ExperienceStore.open({ dataDir: dir, logger: pino({ enabled: false }), fsync: false });
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('DeliveryLedger', () => {
  it('claims an id once, also across store instances (a restart)', async () => {
    const store = await open();
    const ledger = new DeliveryLedger(store);
    expect(await ledger.claim('d-1')).toBe(true);
    expect(await ledger.claim('d-1')).toBe(false);
    const again = new DeliveryLedger(
      await ExperienceStore.open({
        dataDir: join(store.file, '..'),
        logger: pino({ enabled: false }),
      }),
    );
    expect(await again.claim('d-1')).toBe(false);
  });

  it('a released id can be claimed again', async () => {
    const ledger = new DeliveryLedger(await open());
    await ledger.claim('d-2');
    await ledger.release('d-2');
    expect(await ledger.claim('d-2')).toBe(true);
  });

  it('keeps at most maxEntries ids, dropping the oldest', async () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const store = await open();
    const ledger = new DeliveryLedger(store, { maxEntries: 3, now: () => new Date((t += 1_000)) });
    for (const id of ['a', 'b', 'c', 'd', 'e']) await ledger.claim(id);
    expect(Object.keys((await store.read())['deliveries'] as object).sort()).toEqual([
      'c',
      'd',
      'e',
    ]);
    expect(await ledger.claim('a')).toBe(true);
  });

  it('forgets ids older than maxAgeMs', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const store = await open();
    const ledger = new DeliveryLedger(store, { maxAgeMs: 60_000, now: () => new Date(now) });
    await ledger.claim('old');
    now += 120_000;
    await ledger.claim('new');
    expect(Object.keys((await store.read())['deliveries'] as object)).toEqual(['new']);
  });
});
