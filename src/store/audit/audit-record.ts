import { canonicalJson } from '../canonical-json.ts';
import { sha256Hex } from '../sha256.ts';

/** prev_hash of the very first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** What a caller says happened. Strings are masked before they are hashed and written. */
export interface AuditInput {
  /** Who: a GitHub login, `app`, `runner:<id>`, `cli:<user>`. */
  actor: string;
  /** What, as a dotted verb: `workflow.merge`, `approval.proceed`, `store.restore`. */
  action: string;
  /** On what: `owner/repo#12`, a job id, a file. */
  target: string;
  /** `ok`, `refused`, `failed`, `dry-run`, ... */
  outcome: string;
  trace_id: string;
  corr_id: string;
}

/** One line of an audit file. */
export interface AuditRecord extends AuditInput {
  seq: number;
  time: string;
  prev_hash: string;
  hash: string;
}

/**
 * sha256 over the canonical JSON of the record without its own hash (prev_hash included), so
 * editing any field, or moving the record elsewhere in the chain, changes it.
 *
 * @example const hash = hashAuditRecord({ seq: 1, time, actor, action, target, outcome, trace_id, corr_id, prev_hash: GENESIS_HASH });
 */
export function hashAuditRecord(record: Omit<AuditRecord, 'hash'>): string {
  const { seq, time, actor, action, target, outcome, trace_id, corr_id, prev_hash } = record;
  return sha256Hex(
    canonicalJson({ seq, time, actor, action, target, outcome, trace_id, corr_id, prev_hash }),
  );
}

/**
 * The next record of the chain: masks the input's strings, then hashes.
 *
 * @example const record = buildAuditRecord(input, { seq: 0, hash: GENESIS_HASH }, new Date(), (t) => t);
 */
export function buildAuditRecord(
  input: AuditInput,
  previous: { seq: number; hash: string },
  time: Date,
  mask: (text: string) => string,
): AuditRecord {
  const body = {
    seq: previous.seq + 1,
    time: time.toISOString(),
    actor: mask(input.actor),
    action: mask(input.action),
    target: mask(input.target),
    outcome: mask(input.outcome),
    trace_id: input.trace_id,
    corr_id: input.corr_id,
    prev_hash: previous.hash,
  };
  return { ...body, hash: hashAuditRecord(body) };
}
