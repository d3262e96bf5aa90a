import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, describeLogSink, withTrace } from '../../../src/telemetry/logger.ts';
import { markResponseLogged } from '../../../src/telemetry/logged-responses.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ko-logger-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function capture() {
  const lines: string[] = [];
  return {
    lines,
    parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    write: (line: string) => void lines.push(line),
  };
}

function readJsonl(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('createLogger', () => {
  it('writes one JSON line with time, level label, service, ids and message', () => {
    const sink = capture();
    const log = createLogger({ service: 'ko-test', primary: sink });
    withTrace(log, {
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      corr_id: 'corr-1',
      span_id: undefined,
    }).warn({ pr: 7 }, 'hello');
    expect(sink.lines).toHaveLength(1);
    const [line] = sink.parsed();
    expect(line).toMatchObject({
      level: 'warn',
      service: 'ko-test',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      corr_id: 'corr-1',
      pr: 7,
      msg: 'hello',
    });
    expect(line).not.toHaveProperty('span_id');
    expect(new Date(String(line?.['time'])).toISOString()).toBe(line?.['time']);
  });

  it('masks secrets by value in nested fields, messages and error stacks', () => {
    const sink = capture();
    const secret = 'the-webhook-secret-42';
    const log = createLogger({ service: 'ko-test', primary: sink, secrets: [secret] });
    log.error(
      {
        deep: { list: [`x ${secret} y`], encoded: Buffer.from(secret).toString('base64') },
        err: new Error(`failed with ${secret}`),
      },
      `msg ${secret}`,
    );
    const raw = sink.lines.join('');
    expect(raw).not.toContain(secret);
    expect(raw).not.toContain(Buffer.from(secret).toString('base64'));
    const [line] = sink.parsed();
    expect(line?.['msg']).toBe('msg [MASKED:secret]');
    expect((line?.['err'] as { stack: string }).stack).toContain('failed with [MASKED:secret]');
  });

  it('keeps a line when the primary sink throws: it goes to the JSONL fallback file after a warning', () => {
    const fallbackFile = join(dir, 'logs', 'fallback.jsonl');
    let calls = 0;
    const primary = {
      write(line: string) {
        calls += 1;
        if (calls > 1) throw new Error('EIO: disk gone');
        void line;
      },
    };
    const log = createLogger({
      service: 'ko-test',
      primary,
      fallbackFile,
      secrets: ['fallback-secret-1'],
    });
    log.info('first, to the primary');
    log.info({ job: 'j-1' }, 'second survives fallback-secret-1');
    log.info('third');
    const lines = readJsonl(fallbackFile);
    expect(lines.map((line) => line['msg'])).toEqual([
      `primary log sink failed; writing to the fallback file ${fallbackFile}`,
      'second survives [MASKED:secret]',
      'third',
    ]);
    expect(lines[0]).toMatchObject({ level: 'warn', err: { message: 'EIO: disk gone' } });
    expect(lines[1]).toMatchObject({ level: 'info', job: 'j-1', service: 'ko-test' });
    expect(describeLogSink(log)).toEqual({ mode: 'fallback', fallbackFile });
  });

  it("switches when the primary emits 'error'", () => {
    const fallbackFile = join(dir, 'fallback.jsonl');
    const primary = Object.assign(new EventEmitter(), { write: (_line: string) => undefined });
    const log = createLogger({ service: 'ko-test', primary, fallbackFile });
    primary.emit('error', new Error('EPIPE'));
    log.info('after the error');
    expect(readJsonl(fallbackFile).map((line) => line['msg'])).toEqual([
      `primary log sink failed; writing to the fallback file ${fallbackFile}`,
      'after the error',
    ]);
  });

  it('reports a broken sink when there is no fallback file', () => {
    const log = createLogger({
      service: 'ko-test',
      primary: {
        write: () => {
          throw new Error('gone');
        },
      },
    });
    log.info('lost');
    expect(describeLogSink(log)?.mode).toBe('broken');
    expect(describeLogSink(log.child({ name: 'x' }))?.mode).toBe('broken');
  });

  it("skips Probot's access line for a response its handler already logged", () => {
    const sink = capture();
    const log = createLogger({ service: 'ko-test', primary: sink });
    const logged = { statusCode: 200 } as never;
    markResponseLogged(logged);
    log.child({ name: 'http' }).info({ res: logged, responseTime: 1 }, 'GET /livez 200');
    log
      .child({ name: 'http' })
      .info({ res: { statusCode: 200 }, responseTime: 1 }, 'GET /other 200');
    expect(sink.parsed().map((line) => line['msg'])).toEqual(['GET /other 200']);
  });
});
