import { canonicalJson } from './canonical-json.ts';
import { sha256Hex } from './sha256.ts';

/** The fields a checksum covers: the whole document except the checksum itself. */
export interface ChecksummedFields {
  schema_version: number;
  write_seq: number;
  written_at: string;
  data: unknown;
}

/**
 * `sha256:<hex>` over the canonical JSON of the document without its checksum, so the
 * checksum does not depend on key order or indentation.
 *
 * @example documentChecksum({ schema_version: 1, write_seq: 0, written_at: '2026-11-27T00:00:00.000Z', data: {} })
 */
export function documentChecksum(fields: ChecksummedFields): string {
  const { schema_version, write_seq, written_at, data } = fields;
  return `sha256:${sha256Hex(canonicalJson({ schema_version, write_seq, written_at, data }))}`;
}
