// Where the durable log runs fdatasync: on the loop while syncs are fast, on the pool while slow.
import { describe, expect, it } from 'vitest';
import { SyncPlacement } from '../../../src/hub/sync-placement.ts';

/** Asks for `n` placements, recording `ms` for each one that lands on the loop. */
function run(placement: SyncPlacement, n: number, ms: number): ('loop' | 'pool')[] {
  return Array.from({ length: n }, () => {
    const place = placement.next();
    if (place === 'loop') placement.record(ms);
    return place;
  });
}

describe('SyncPlacement', () => {
  it('times the first sync on the loop and stays there while syncs are fast', () => {
    const placement = new SyncPlacement(1);
    expect(placement.medianMs).toBeUndefined();
    expect(run(placement, 50, 0.3)).toEqual(Array(50).fill('loop'));
    expect(placement.medianMs).toBe(0.3);
  });

  it('one slow sync does not move syncs; a run of them moves them to the pool', () => {
    const placement = new SyncPlacement(1);
    run(placement, 8, 0.2);
    expect(run(placement, 1, 40)).toEqual(['loop']);
    expect(placement.next()).toBe('loop');
    placement.record(0.2);
    // With three more slow ones, half of the last eight are slow: the (upper) median is slow.
    expect(run(placement, 3, 25)).toEqual(Array(3).fill('loop'));
    expect(placement.next()).toBe('pool');
  });

  it('on the pool, probes the loop rarely and ever more rarely while the disk stays slow', () => {
    const placement = new SyncPlacement(1);
    run(placement, 1, 30);
    const places = run(placement, 16 + 32 + 64, 30);
    const probes = places.flatMap((place, i) => (place === 'loop' ? [i] : []));
    expect(probes).toEqual([15, 47, 111]);
  });

  it('comes back to the loop once probes find the disk fast again', () => {
    const placement = new SyncPlacement(1);
    run(placement, 1, 30);
    let places: string[] = [];
    for (let i = 0; i < 400 && places.at(-1) !== 'loop'; i += 1) places = run(placement, 1, 0.2);
    // One fast probe is not yet a fast median; probes keep coming, and the median turns.
    expect(run(placement, 200, 0.2).slice(-20)).toEqual(Array(20).fill('loop'));
    expect(placement.medianMs).toBe(0.2);
  });

  it('loopSyncMaxMs 0 keeps every sync on the pool', () => {
    const placement = new SyncPlacement(0);
    expect(new Set(run(placement, 100, 0.01))).toEqual(new Set(['pool']));
  });
});
