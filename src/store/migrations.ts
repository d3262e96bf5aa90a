import { CURRENT_SCHEMA_VERSION } from './experience-schema.ts';

/** A raw document as parsed, before it is validated against the current schema. */
export type RawDocument = Record<string, unknown> & { schema_version: number };

/** Turns a version-N document into a version-N+1 one (pure; the store writes the result later). */
export type Migration = (document: RawDocument) => RawDocument;

/**
 * Migrations by the version they start from: `MIGRATIONS[1]` turns a version-1 document into
 * version 2. Empty while version 1 is current; a later issue that bumps CURRENT_SCHEMA_VERSION
 * adds its step here and a test with a version-1 fixture.
 */
export const MIGRATIONS: Readonly<Record<number, Migration>> = {};

/**
 * Applies the migration chain from the document's version up to `target`.
 * Returns the document unchanged when it is already at `target`.
 *
 * @example migrateDocument({ schema_version: 1, data: {} }, 1, {})
 */
export function migrateDocument(
  document: RawDocument,
  target: number = CURRENT_SCHEMA_VERSION,
  migrations: Readonly<Record<number, Migration>> = MIGRATIONS,
): RawDocument {
  let current = document;
  while (current.schema_version < target) {
    const step = migrations[current.schema_version];
    if (!step)
      throw new Error(
        `no migration from schema version ${current.schema_version} to ${current.schema_version + 1}`,
      );
    const next = step(current);
    if (next.schema_version !== current.schema_version + 1) {
      throw new Error(
        `migration from ${current.schema_version} produced version ${next.schema_version}`,
      );
    }
    current = next;
  }
  return current;
}
