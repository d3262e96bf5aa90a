import { describe, expect, it } from 'vitest';
import { auditFileDay, auditFileName } from '../../../src/store/audit/audit-files.ts';
import {
  buildAuditRecord,
  GENESIS_HASH,
  hashAuditRecord,
} from '../../../src/store/audit/audit-record.ts';

const input = {
  actor: 'octocat',
  action: 'workflow.merge',
  target: 'o/r#1',
  outcome: 'ok',
  trace_id: 't1',
  corr_id: 'c1',
};
const time = new Date('2026-11-27T23:59:59.999Z');

describe('audit records', () => {
  it('chains: seq + 1, prev_hash = the previous hash, hash over everything else', () => {
    const first = buildAuditRecord(input, { seq: 0, hash: GENESIS_HASH }, time, (t) => t);
    const second = buildAuditRecord(input, first, time, (t) => t);
    expect(first).toMatchObject({
      seq: 1,
      prev_hash: GENESIS_HASH,
      time: '2026-11-27T23:59:59.999Z',
    });
    expect(second).toMatchObject({ seq: 2, prev_hash: first.hash });
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(second.hash).not.toBe(first.hash);
  });

  it.each([
    'seq',
    'time',
    'actor',
    'action',
    'target',
    'outcome',
    'trace_id',
    'corr_id',
    'prev_hash',
  ] as const)('changing %s changes the hash', (field) => {
    const record = buildAuditRecord(input, { seq: 0, hash: GENESIS_HASH }, time, (t) => t);
    const changed = { ...record, [field]: field === 'seq' ? 2 : `${String(record[field])}x` };
    expect(hashAuditRecord(changed)).not.toBe(record.hash);
  });

  it('masks the text fields before hashing, not the ids', () => {
    const record = buildAuditRecord(
      { ...input, target: 'secret', trace_id: 'secret' },
      { seq: 0, hash: GENESIS_HASH },
      time,
      (t) => t.replaceAll('secret', '***'),
    );
    expect(record.target).toBe('***');
    expect(record.trace_id).toBe('secret');
    expect(hashAuditRecord(record)).toBe(record.hash);
  });

  it.each([
    { time: '2026-11-27T23:59:59.999Z', name: 'audit-2026-11-27.jsonl' },
    { time: '2026-11-28T00:00:00.000Z', name: 'audit-2026-11-28.jsonl' },
  ])('$time goes to $name', ({ time: at, name }) => {
    expect(auditFileName(at)).toBe(name);
    expect(auditFileDay(name)).toBe(at.slice(0, 10));
  });

  it.each(['audit-2026-11-27.json', 'x-audit-2026-11-27.jsonl', 'audit-20261127.jsonl'])(
    '%s is not an audit file',
    (name) => {
      expect(auditFileDay(name)).toBeUndefined();
    },
  );
});
