import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

const AUDIT_FILE = /^audit-(\d{4}-\d{2}-\d{2})\.jsonl$/;

/**
 * The day file a record written at `time` belongs to (UTC).
 *
 * @example auditFileName('2026-11-27T23:59:59.999Z') // 'audit-2026-11-27.jsonl'
 */
export function auditFileName(time: string): string {
  return `audit-${time.slice(0, 10)}.jsonl`;
}

/**
 * The UTC day in an audit file name, or undefined for other names.
 *
 * @example auditFileDay('audit-2026-11-27.jsonl') // '2026-11-27'
 */
export function auditFileDay(name: string): string | undefined {
  return AUDIT_FILE.exec(name)?.[1];
}

/**
 * The audit files in `dir`, oldest day first (full paths); none when the folder does not exist.
 *
 * @example const files = await listAuditFiles('.ko/audit');
 */
export async function listAuditFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .filter((name) => auditFileDay(name) !== undefined)
    .sort()
    .map((name) => join(dir, name));
}
