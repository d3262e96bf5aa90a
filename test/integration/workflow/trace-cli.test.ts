import { execa } from 'execa';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const TRACE = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1';
const OTHER = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2';

const ko = (args: string[]) => execa('node', ['bin/ko.js', ...args], { cwd: root, reject: false });

describe('ko trace', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ko-trace-'));
    await mkdir(join(dir, 'audit'));
    await mkdir(join(dir, 'logs'));
    const audit = (seq: number, time: string, trace: string, action: string) =>
      JSON.stringify({
        seq,
        time,
        actor: 'ko',
        action,
        target: 'acme/app#1',
        outcome: 'done: x',
        trace_id: trace,
        corr_id: 'wf-1',
        prev_hash: '0',
        hash: '1',
      });
    await writeFile(
      join(dir, 'audit', 'audit-2026-11-27.jsonl'),
      [
        audit(1, '2026-11-27T10:00:01.000Z', TRACE, 'workflow.plan'),
        audit(2, '2026-11-27T10:00:02.000Z', OTHER, 'workflow.plan'),
        audit(3, '2026-11-27T10:00:04.000Z', TRACE, 'workflow.merge'),
        '',
      ].join('\n'),
    );
    const log = (time: string | number, trace: string, msg: string) =>
      JSON.stringify({ level: 'info', time, service: 'ko-app', trace_id: trace, msg });
    await writeFile(
      join(dir, 'logs', 'fallback.jsonl'),
      `${log('2026-11-27T10:00:03.000Z', TRACE, 'from the fallback file')}\nnot json ${TRACE}\n`,
    );
    // Probot's own lines carry epoch milliseconds.
    await writeFile(
      join(dir, 'app.log'),
      `${log(Date.parse('2026-11-27T10:00:00.500Z'), TRACE, 'webhook received')}\n${log('2026-11-27T10:00:05.000Z', OTHER, 'other trace')}\n`,
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints audit records and log lines of one trace in time order, from the data dir and --log files', async () => {
    const result = await ko(['trace', TRACE, '--data-dir', dir, '--log', join(dir, 'app.log')]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      '2026-11-27T10:00:00.500Z  log info ko-app: webhook received',
      '2026-11-27T10:00:01.000Z  audit #1 ko workflow.plan acme/app#1 → done: x',
      '2026-11-27T10:00:03.000Z  log info ko-app: from the fallback file',
      '2026-11-27T10:00:04.000Z  audit #3 ko workflow.merge acme/app#1 → done: x',
    ]);
  });

  it('--json gives one object per event, with where it was read', async () => {
    const result = await ko(['trace', TRACE, '--data-dir', dir, '--json']);
    const events = result.stdout
      .split('\n')
      .map((l) => JSON.parse(l) as { source: string; where: string });
    expect(events.map((e) => `${e.source} ${e.where}`)).toEqual([
      'audit audit-2026-11-27.jsonl:1',
      'log fallback.jsonl:1',
      'audit audit-2026-11-27.jsonl:3',
    ]);
  });

  it.each([
    { args: ['trace', 'cccccccccccccccccccccccccccccccc'], code: 'TRACE_NOT_FOUND' },
    { args: ['trace', 'not-a-trace'], code: 'is not a trace id' },
  ])('exits 10 (PRECONDITION) for $args.1', async ({ args, code }) => {
    const result = await ko([...args, '--data-dir', dir]);
    expect(result.exitCode).toBe(10);
    expect(result.stderr).toContain(
      code === 'TRACE_NOT_FOUND' ? 'nothing recorded under trace' : code,
    );
  });
});
