import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { AuditHead } from '../experience-types.ts';
import { auditFileDay } from './audit-files.ts';
import { GENESIS_HASH, hashAuditRecord, type AuditRecord } from './audit-record.ts';

/** The first thing wrong in a chain: where, and what. */
export interface AuditProblem {
  file: string;
  /** 1-based line number; 0 when the problem is about the chain as a whole (truncated tail). */
  line: number;
  seq: number | undefined;
  reason: string;
}

export interface AuditVerifyReport {
  ok: boolean;
  files: number;
  records: number;
  /** The last good record. */
  last: { seq: number; hash: string; time: string; file: string } | undefined;
  /** seq of the first record checked (1 unless only later files were given). */
  firstSeq: number | undefined;
  problem: AuditProblem | undefined;
}

export interface VerifyOptions {
  /** Require the chain to start at seq 1 with the genesis prev_hash (whole-folder checks). */
  fromGenesis?: boolean;
  /** The head kept in the store: the log must reach it, and agree with it. */
  expectedHead?: AuditHead | null;
}

const STRING_FIELDS = [
  'time',
  'actor',
  'action',
  'target',
  'outcome',
  'trace_id',
  'corr_id',
  'prev_hash',
  'hash',
] as const;

function fieldProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return 'not a JSON object';
  const record = value as Record<string, unknown>;
  if (typeof record.seq !== 'number' || !Number.isInteger(record.seq) || record.seq < 1)
    return 'seq is missing or not a positive integer';
  for (const field of STRING_FIELDS)
    if (typeof record[field] !== 'string') return `${field} is missing or not a string`;
  return undefined;
}

/**
 * Checks the hash chain across audit files (in the order given, normally oldest day first) and
 * names the first bad record: an edited line fails its own hash, a deleted, inserted or reordered
 * line breaks seq and prev_hash, a cut-off tail falls short of the head kept in the store.
 *
 * @example const report = await verifyAuditChain(await listAuditFiles('.ko/audit'), { fromGenesis: true });
 */
export async function verifyAuditChain(
  files: readonly string[],
  options: VerifyOptions = {},
): Promise<AuditVerifyReport> {
  let previous: { seq: number; hash: string; time: string; file: string } | undefined;
  let firstSeq: number | undefined;
  let records = 0;
  const report = (problem?: AuditProblem): AuditVerifyReport => ({
    ok: !problem,
    files: files.length,
    records,
    last: previous,
    firstSeq,
    problem,
  });

  for (const file of files) {
    const name = basename(file);
    const text = await readFile(file, 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) {
      const lines = text.split('\n');
      return report({
        file: name,
        line: lines.length,
        seq: undefined,
        reason: 'the last line is incomplete (no newline): an append was cut off',
      });
    }
    const lines = text.split('\n').slice(0, -1);
    for (const [index, line] of lines.entries()) {
      const at = { file: name, line: index + 1 };
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        return report({
          ...at,
          seq: undefined,
          reason: line.trim() === '' ? 'blank line' : 'not valid JSON',
        });
      }
      const shapeProblem = fieldProblem(parsed);
      if (shapeProblem) return report({ ...at, seq: undefined, reason: shapeProblem });
      const record = parsed as AuditRecord;
      if (hashAuditRecord(record) !== record.hash) {
        return report({
          ...at,
          seq: record.seq,
          reason: 'hash does not match the content: the record was edited',
        });
      }
      if (previous === undefined) {
        if (options.fromGenesis && (record.seq !== 1 || record.prev_hash !== GENESIS_HASH)) {
          return report({
            ...at,
            seq: record.seq,
            reason: `the chain must start at seq 1 with the genesis prev_hash, found seq ${record.seq}: earlier records or files are missing`,
          });
        }
        firstSeq = record.seq;
      } else {
        if (record.seq !== previous.seq + 1) {
          return report({
            ...at,
            seq: record.seq,
            reason: `seq ${record.seq} follows seq ${previous.seq}: a record was deleted, inserted or reordered`,
          });
        }
        if (record.prev_hash !== previous.hash) {
          return report({
            ...at,
            seq: record.seq,
            reason: `prev_hash does not match the hash of seq ${previous.seq}: the chain was broken here`,
          });
        }
        if (record.time < previous.time) {
          return report({
            ...at,
            seq: record.seq,
            reason: `time ${record.time} is before the previous record's ${previous.time}`,
          });
        }
      }
      const day = auditFileDay(name);
      if (day !== undefined && record.time.slice(0, 10) !== day) {
        return report({
          ...at,
          seq: record.seq,
          reason: `a record of ${record.time.slice(0, 10)} in the file for ${day}`,
        });
      }
      const head = options.expectedHead;
      if (head && record.seq === head.seq && record.hash !== head.hash) {
        return report({
          ...at,
          seq: record.seq,
          reason: `hash differs from the one the store recorded for seq ${head.seq} (${head.hash}): the chain was rewritten`,
        });
      }
      previous = { seq: record.seq, hash: record.hash, time: record.time, file: name };
      records += 1;
    }
  }
  const head = options.expectedHead;
  if (head) {
    if (!previous || previous.seq < head.seq) {
      return report({
        file: previous?.file ?? head.file,
        line: 0,
        seq: head.seq,
        reason: `the log ends at seq ${previous?.seq ?? 0}, but the store says seq ${head.seq} (${head.file}) was written: the tail was truncated or a file deleted`,
      });
    }
  }
  return report();
}
