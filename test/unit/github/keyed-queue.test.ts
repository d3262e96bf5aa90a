// KeyedQueue: bounded concurrency, one at a time per key in push order, bounded stop.
import { describe, expect, it } from 'vitest';
import { KeyedQueue } from '../../../src/github/keyed-queue.ts';

interface Gate {
  promise: Promise<void>;
  open: () => void;
}

function gate(): Gate {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** A queue whose items wait for their gate; `log` records start/end in order. */
function harness(concurrency: number) {
  const gates = new Map<string, Gate>();
  const log: string[] = [];
  const queue = new KeyedQueue<string>({
    concurrency,
    run: async (item) => {
      log.push(`start ${item}`);
      const g = gate();
      gates.set(item, g);
      await g.promise;
      log.push(`end ${item}`);
      if (item.includes('throw')) throw new Error('handler failed');
    },
  });
  const release = async (item: string): Promise<void> => {
    for (let i = 0; i < 100 && !gates.has(item); i += 1) await Promise.resolve();
    gates.get(item)?.open();
    for (let i = 0; i < 20; i += 1) await Promise.resolve();
  };
  const tick = async (): Promise<void> => {
    for (let i = 0; i < 20; i += 1) await Promise.resolve();
  };
  return { queue, log, release, tick };
}

describe('KeyedQueue', () => {
  it('runs one item per key at a time, in push order, while other keys overtake', async () => {
    const { queue, log, release, tick } = harness(4);
    queue.push('pr1', 'a1');
    queue.push('pr1', 'a2');
    queue.push('pr2', 'b1');
    await tick();
    expect(log).toEqual(['start a1', 'start b1']);
    await release('b1');
    expect(log).toEqual(['start a1', 'start b1', 'end b1']);
    await release('a1');
    expect(log).toEqual(['start a1', 'start b1', 'end b1', 'end a1', 'start a2']);
    await release('a2');
    await queue.idle();
    expect(queue.size).toEqual({ waiting: 0, running: 0 });
  });

  it('never runs more than `concurrency` at once; the oldest ready item goes next', async () => {
    const { queue, log, release, tick } = harness(2);
    for (const [key, item] of [
      ['k1', 'x'],
      ['k2', 'y'],
      ['k3', 'z'],
      ['k4', 'w'],
    ] as const)
      queue.push(key, item);
    await tick();
    expect(queue.size).toEqual({ waiting: 2, running: 2 });
    await release('y');
    expect(log.filter((l) => l.startsWith('start'))).toEqual(['start x', 'start y', 'start z']);
    await release('x');
    await release('z');
    await release('w');
    await queue.idle();
    expect(log.filter((l) => l.startsWith('start'))).toEqual([
      'start x',
      'start y',
      'start z',
      'start w',
    ]);
  });

  it('a failing item frees its key for the next one', async () => {
    const { queue, log, release } = harness(1);
    queue.push('pr1', 'throw-1');
    queue.push('pr1', 'after');
    await release('throw-1');
    await release('after');
    await queue.idle();
    expect(log).toEqual(['start throw-1', 'end throw-1', 'start after', 'end after']);
  });

  it('paused: queues until resume', async () => {
    const log: string[] = [];
    const queue = new KeyedQueue<string>({
      concurrency: 2,
      paused: true,
      run: async (item) => void log.push(item),
    });
    queue.push('k', 'a');
    queue.push('k', 'b');
    await Promise.resolve();
    expect(log).toEqual([]);
    queue.resume();
    await queue.idle();
    expect(log).toEqual(['a', 'b']);
  });

  it('stop waits (bounded) for running items, starts nothing more, and hands back the rest', async () => {
    const { queue, log, release, tick } = harness(1);
    queue.push('k', 'first');
    queue.push('k', 'second');
    await tick();
    const stopped = queue.stop(5_000);
    await release('first');
    expect(await stopped).toEqual(['second']);
    expect(log).toEqual(['start first', 'end first']);
    await queue.idle();
    // A stuck item does not hold stop beyond its bound.
    const stuck = harness(1);
    stuck.queue.push('k', 'never');
    await stuck.tick();
    expect(await stuck.queue.stop(20)).toEqual([]);
    expect(stuck.queue.size.running).toBe(1);
  });

  it('refuses a concurrency below 1', () => {
    expect(() => new KeyedQueue({ concurrency: 0, run: async () => undefined })).toThrow(
      RangeError,
    );
  });
});
