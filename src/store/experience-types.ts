/** A record in a keyed collection: an id plus whatever the owning module stores. */
export interface KeyedRecord {
  id: string;
  [field: string]: unknown;
}

/** One synthetic workflow run, with its lead time once finished. */
export interface RunRecord extends KeyedRecord {
  workflow_id?: string;
  started_at?: string;
  finished_at?: string;
  outcome?: string;
  lead_time_ms?: number;
}

/** The last audit record written, kept here so a truncated audit tail is noticed. */
export interface AuditHead {
  seq: number;
  hash: string;
  file: string;
  time: string;
}

/**
 * What KO learns and must remember. Later issues add collections: add them here as optional
 * fields and to the schema (`experience-schema.ts`), and bump the schema version with a migration
 * when an existing field changes meaning.
 */
export interface ExperienceData {
  workflows: Record<string, KeyedRecord>;
  runs: RunRecord[];
  approvals: Record<string, KeyedRecord>;
  runners: Record<string, KeyedRecord>;
  counters: Record<string, number>;
  audit_head: AuditHead | null;
  [collection: string]: unknown;
}

/** The file on disk: the data plus what lets a reader trust it. */
export interface ExperienceDocument {
  schema_version: number;
  /** +1 with every committed write; tells which write a backup holds. */
  write_seq: number;
  written_at: string;
  /** `sha256:<hex>` of the canonical JSON of every other top-level field. */
  checksum: string;
  data: ExperienceData;
}

/**
 * The data of a new, empty store.
 *
 * @example const data = emptyExperience();
 */
export function emptyExperience(): ExperienceData {
  return { workflows: {}, runs: [], approvals: {}, runners: {}, counters: {}, audit_head: null };
}
