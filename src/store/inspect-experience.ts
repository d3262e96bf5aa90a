import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { documentChecksum } from './checksum.ts';
import { CURRENT_SCHEMA_VERSION, experienceSchemaV1 } from './experience-schema.ts';
import type { ExperienceDocument } from './experience-types.ts';
import { migrateDocument, type Migration, type RawDocument, MIGRATIONS } from './migrations.ts';

/** What can be wrong with an experience file, from the outside in. */
export type ExperienceProblem =
  | 'empty'
  | 'truncated'
  | 'not-json'
  | 'not-a-document'
  | 'too-new'
  | 'checksum-mismatch'
  | 'migration-failed'
  | 'schema-invalid';

export type Inspection =
  | { ok: true; document: ExperienceDocument; migratedFrom: number | undefined }
  | {
      ok: false;
      problem: ExperienceProblem;
      detail: string;
      /** What could still be read, to say what a recovery loses. */
      partial: { write_seq?: number; written_at?: string } | undefined;
    };

// ajv-formats is CommonJS with `exports.default`; under NodeNext its default import is the module.
type FormatsPlugin = (instance: Ajv) => Ajv;
const addFormats = ((addFormatsPlugin as unknown as { default?: FormatsPlugin }).default ??
  addFormatsPlugin) as unknown as FormatsPlugin;
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validateCurrent = ajv.compile(experienceSchemaV1);

function fail(
  problem: ExperienceProblem,
  detail: string,
  raw?: Record<string, unknown>,
): Inspection {
  const partial =
    raw === undefined
      ? undefined
      : {
          ...(typeof raw.write_seq === 'number' ? { write_seq: raw.write_seq } : {}),
          ...(typeof raw.written_at === 'string' ? { written_at: raw.written_at } : {}),
        };
  return { ok: false, problem, detail, partial };
}

/**
 * Checks the bytes of an experience file: parses, verifies the checksum, migrates an older
 * version and validates against the current schema. Never throws.
 *
 * @example const result = inspectExperience(await readFile('.ko/experience.json'));
 */
export function inspectExperience(
  bytes: Uint8Array,
  migrations: Readonly<Record<number, Migration>> = MIGRATIONS,
): Inspection {
  if (bytes.length === 0) return fail('empty', 'the file is empty (0 bytes)');
  const text = Buffer.from(bytes).toString('utf8');
  if (text.trim() === '')
    return fail('empty', `the file holds only whitespace (${bytes.length} bytes)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const truncated =
      /end of JSON input|Unterminated/i.test(message) ||
      message.includes(`position ${text.length}`);
    return fail(
      truncated ? 'truncated' : 'not-json',
      `${truncated ? 'the JSON ends early' : 'not valid JSON'} (${bytes.length} bytes): ${message}`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return fail('not-a-document', 'the JSON is not an object');
  }
  const raw = parsed as Record<string, unknown>;
  const version = raw.schema_version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return fail('not-a-document', 'schema_version is missing or not a positive integer', raw);
  }
  if (version > CURRENT_SCHEMA_VERSION) {
    return fail(
      'too-new',
      `schema_version ${version} is newer than this KO understands (${CURRENT_SCHEMA_VERSION})`,
      raw,
    );
  }
  if (
    typeof raw.checksum !== 'string' ||
    typeof raw.write_seq !== 'number' ||
    typeof raw.written_at !== 'string'
  ) {
    return fail('schema-invalid', 'checksum, write_seq or written_at is missing', raw);
  }
  const expected = documentChecksum({
    schema_version: version,
    write_seq: raw.write_seq,
    written_at: raw.written_at,
    data: raw.data,
  });
  if (expected !== raw.checksum) {
    return fail(
      'checksum-mismatch',
      `the stored checksum ${raw.checksum} does not match the content (${expected}): the file was edited or damaged`,
      raw,
    );
  }
  let migrated: RawDocument;
  try {
    migrated = migrateDocument(raw as RawDocument, CURRENT_SCHEMA_VERSION, migrations);
  } catch (error) {
    return fail(
      'migration-failed',
      `cannot migrate from schema version ${version}: ${(error as Error).message}`,
      raw,
    );
  }
  if (migrated !== raw) {
    // A migration changes content, so the checksum is renewed for the migrated form.
    migrated = {
      ...migrated,
      checksum: documentChecksum(migrated as unknown as ExperienceDocument),
    };
  }
  if (!validateCurrent(migrated)) {
    const errors = (validateCurrent.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
    return fail(
      'schema-invalid',
      `does not match schema version ${CURRENT_SCHEMA_VERSION}: ${errors.join('; ')}`,
      raw,
    );
  }
  return {
    ok: true,
    document: migrated as unknown as ExperienceDocument,
    migratedFrom: migrated === raw ? undefined : version,
  };
}
