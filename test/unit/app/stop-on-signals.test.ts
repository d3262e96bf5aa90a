import { EventEmitter } from 'node:events';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { trapStopSignals, type StoppableApp } from '../../../src/stop-on-signals.ts';

function harness(stopOutcome: 'ok' | 'fails' = 'ok') {
  const source = new EventEmitter();
  const exits: number[] = [];
  let stops = 0;
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ base: null }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const app: StoppableApp = {
    logger,
    stop: async () => {
      stops += 1;
      if (stopOutcome === 'fails') throw new Error('hub would not close');
    },
  };
  const trap = trapStopSignals({ source, exit: (code) => exits.push(code) });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
  return { source, exits, app, trap, settle, lines, stops: () => stops };
}

describe('trapStopSignals', () => {
  it.each([
    { name: 'a SIGTERM after start', signal: 'SIGTERM', before: false, outcome: 'ok', exit: 0 },
    { name: 'a SIGINT after start', signal: 'SIGINT', before: false, outcome: 'ok', exit: 0 },
    { name: 'a SIGTERM during startup', signal: 'SIGTERM', before: true, outcome: 'ok', exit: 0 },
    { name: 'a failing stop', signal: 'SIGTERM', before: false, outcome: 'fails', exit: 13 },
  ] as const)('stops once and exits $exit on $name', async ({ signal, before, outcome, exit }) => {
    const h = harness(outcome);
    if (before) h.source.emit(signal, signal);
    expect(h.stops()).toBe(0);
    h.trap.attach(h.app);
    if (!before) h.source.emit(signal, signal);
    await h.settle();
    expect(h.stops()).toBe(1);
    expect(h.exits).toEqual([exit]);
    expect(h.trap.received).toBe(signal);
    expect(h.lines.map((line) => line['msg'])).toContain('stopped');
  });

  it('keeps its listeners installed while stopping, so listener-counting libraries leave the signal alone', () => {
    const h = harness();
    h.trap.attach(h.app);
    h.source.emit('SIGTERM', 'SIGTERM');
    expect(h.source.listenerCount('SIGTERM')).toBe(1);
    expect(h.source.listenerCount('SIGINT')).toBe(1);
  });

  it.each([
    { first: 'SIGTERM', second: 'SIGINT', code: 130 },
    { first: 'SIGINT', second: 'SIGTERM', code: 143 },
  ] as const)('exits $code at once on $second after $first', ({ first, second, code }) => {
    const h = harness();
    h.app.stop = () => new Promise(() => undefined); // a stop that hangs
    h.trap.attach(h.app);
    h.source.emit(first, first);
    h.source.emit(second, second);
    expect(h.exits).toEqual([code]);
  });

  it('does nothing without a signal', async () => {
    const h = harness();
    h.trap.attach(h.app);
    await h.settle();
    expect(h.stops()).toBe(0);
    expect(h.exits).toEqual([]);
  });
});
