import { randomBytes } from 'node:crypto';
import { rename, stat, unlink } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { PreconditionError } from '../../../contracts/errors.ts';
import type { ExperienceData, ExperienceDocument } from '../experience-types.ts';

/**
 * First draft of the SQLite form of experience.json (the seed plans a move to SQLite):
 * one table per collection, `col_<name>`, with the record as a JSON column; keyed collections use
 * (key TEXT PRIMARY KEY, value JSON), lists (position INTEGER PRIMARY KEY, value JSON); anything
 * else (audit_head) and the document's own fields go to `ko_meta`. JSON columns keep the records'
 * shape open, as the JSON schema does, while SQLite's json_* functions can already query them.
 */
const NAME = /^[a-z][a-z0-9_]{0,62}$/;

type Kind = 'map' | 'list' | 'value';

/** Fields of `data` that hold one value, not a collection (stored in ko_meta). */
const SINGLE_VALUES = new Set(['audit_head']);

function kindOf(name: string, value: unknown): Kind {
  if (SINGLE_VALUES.has(name)) return 'value';
  if (Array.isArray(value)) return 'list';
  if (value !== null && typeof value === 'object') return 'map';
  return 'value';
}

export interface SqliteSummary {
  tables: string[];
  rows: number;
}

/**
 * Writes `document` to a new SQLite file at `outFile` (built under a temp name, then renamed).
 * Refuses to replace an existing file.
 *
 * @example await writeSqliteExperience(document, '.ko/experience.sqlite');
 */
export async function writeSqliteExperience(
  document: ExperienceDocument,
  outFile: string,
): Promise<SqliteSummary> {
  if (
    await stat(outFile).then(
      () => true,
      () => false,
    )
  ) {
    throw new PreconditionError('SQLITE_TARGET_EXISTS', `${outFile} already exists`, {
      hint: 'move it away or pass another --out',
    });
  }
  const temp = `${outFile}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const db = new Database(temp);
  const tables: string[] = [];
  let rows = 0;
  try {
    db.pragma('journal_mode = DELETE');
    db.exec(`CREATE TABLE ko_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL CHECK (json_valid(value)));
             CREATE TABLE ko_collections (name TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('map', 'list', 'value')));`);
    const meta = db.prepare('INSERT INTO ko_meta (key, value) VALUES (?, ?)');
    const collection = db.prepare('INSERT INTO ko_collections (name, kind) VALUES (?, ?)');
    db.transaction(() => {
      for (const key of ['schema_version', 'write_seq', 'written_at', 'checksum'] as const)
        meta.run(key, JSON.stringify(document[key]));
      for (const [name, value] of Object.entries(document.data)) {
        if (!NAME.test(name))
          throw new PreconditionError(
            'SQLITE_BAD_COLLECTION',
            `collection name ${JSON.stringify(name)} cannot be a table name`,
          );
        const kind = kindOf(name, value);
        collection.run(name, kind);
        if (kind === 'value') {
          meta.run(`data.${name}`, JSON.stringify(value));
          continue;
        }
        const table = `col_${name}`;
        tables.push(table);
        if (kind === 'map') {
          db.exec(
            `CREATE TABLE "${table}" (key TEXT PRIMARY KEY, value TEXT NOT NULL CHECK (json_valid(value)))`,
          );
          const insert = db.prepare(`INSERT INTO "${table}" (key, value) VALUES (?, ?)`);
          for (const [key, record] of Object.entries(value as Record<string, unknown>))
            insert.run(key, JSON.stringify(record));
          rows += Object.keys(value as object).length;
        } else {
          db.exec(
            `CREATE TABLE "${table}" (position INTEGER PRIMARY KEY, value TEXT NOT NULL CHECK (json_valid(value)))`,
          );
          const insert = db.prepare(`INSERT INTO "${table}" (position, value) VALUES (?, ?)`);
          (value as unknown[]).forEach((record, position) =>
            insert.run(position, JSON.stringify(record)),
          );
          rows += (value as unknown[]).length;
        }
      }
    })();
    db.close();
    await rename(temp, outFile);
  } catch (error) {
    if (db.open) db.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  return { tables, rows };
}

/**
 * Reads a file written by writeSqliteExperience back into a document.
 *
 * @example const document = readSqliteExperience('.ko/experience.sqlite');
 */
export function readSqliteExperience(file: string): ExperienceDocument {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const meta = new Map(
      (
        db.prepare('SELECT key, value FROM ko_meta').all() as Array<{ key: string; value: string }>
      ).map((r) => [r.key, JSON.parse(r.value) as unknown]),
    );
    const data: Record<string, unknown> = {};
    for (const { name, kind } of db
      .prepare('SELECT name, kind FROM ko_collections ORDER BY rowid')
      .all() as Array<{ name: string; kind: Kind }>) {
      if (kind === 'value') {
        data[name] = meta.get(`data.${name}`);
      } else if (kind === 'map') {
        const rows = db
          .prepare(`SELECT key, value FROM "col_${name}" ORDER BY rowid`)
          .all() as Array<{ key: string; value: string }>;
        data[name] = Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
      } else {
        const rows = db
          .prepare(`SELECT value FROM "col_${name}" ORDER BY position`)
          .all() as Array<{ value: string }>;
        data[name] = rows.map((r) => JSON.parse(r.value) as unknown);
      }
    }
    return {
      schema_version: meta.get('schema_version') as number,
      write_seq: meta.get('write_seq') as number,
      written_at: meta.get('written_at') as string,
      checksum: meta.get('checksum') as string,
      data: data as ExperienceData,
    };
  } finally {
    db.close();
  }
}
