import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listAuditFiles } from '../store/audit/audit-files.ts';

/** One event of a trace: an audit record or a log line. */
interface TimelineEntry {
  time: string;
  source: 'audit' | 'log';
  /** Where it was read: file name and line. */
  where: string;
  text: string;
  record: Record<string, unknown>;
}

function timeOf(value: unknown): string | undefined {
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) {
    return new Date(value).toISOString();
  }
  if (typeof value === 'number') return new Date(value).toISOString();
  return undefined;
}

async function jsonlFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir))
      .filter((name) => name.endsWith('.jsonl') || name.endsWith('.log'))
      .sort()
      .map((name) => join(dir, name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

function describe(source: TimelineEntry['source'], r: Record<string, unknown>): string {
  if (source === 'audit') {
    return `audit #${String(r['seq'])} ${String(r['actor'])} ${String(r['action'])} ${String(r['target'])} → ${String(r['outcome'])}`;
  }
  const level = typeof r['level'] === 'string' ? r['level'] : String(r['level'] ?? 'info');
  const service = typeof r['service'] === 'string' ? ` ${r['service']}` : '';
  return `log ${level}${service}: ${String(r['msg'] ?? '')}`;
}

async function readMatching(
  file: string,
  source: TimelineEntry['source'],
  traceId: string,
): Promise<TimelineEntry[]> {
  const text = await readFile(file, 'utf8');
  const entries: TimelineEntry[] = [];
  const name = file.split(/[\\/]/).at(-1) ?? file;
  text.split('\n').forEach((line, index) => {
    // Cheap filter first: most lines of a busy log belong to other traces.
    if (!line.includes(traceId)) return;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return; // a torn last line or a non-JSON line
    }
    if (record['trace_id'] !== traceId) return;
    const time = timeOf(record['time']);
    if (time === undefined) return;
    entries.push({
      time,
      source,
      where: `${name}:${index + 1}`,
      text: describe(source, record),
      record,
    });
  });
  return entries;
}

/**
 * Everything recorded under one trace id: the audit records (`<data dir>/audit`) and the log
 * lines of `<data dir>/logs/*.jsonl` plus `logFiles`, in time order (audit before log on ties,
 * then file order).
 *
 * @example const entries = await readTimeline({ dataDir: '.ko', traceId, logFiles: ['app.log'] });
 */
export async function readTimeline(options: {
  dataDir: string;
  traceId: string;
  logFiles?: readonly string[];
}): Promise<TimelineEntry[]> {
  const audit = await listAuditFiles(join(options.dataDir, 'audit'));
  const logs = [...(await jsonlFiles(join(options.dataDir, 'logs'))), ...(options.logFiles ?? [])];
  const entries: TimelineEntry[] = [];
  for (const file of audit) entries.push(...(await readMatching(file, 'audit', options.traceId)));
  for (const file of new Set(logs)) {
    entries.push(...(await readMatching(file, 'log', options.traceId)));
  }
  // A stable sort keeps each file's own order for equal times.
  return entries.sort((a, b) =>
    a.time === b.time
      ? a.source === b.source
        ? 0
        : a.source === 'audit'
          ? -1
          : 1
      : a.time < b.time
        ? -1
        : 1,
  );
}

/**
 * The timeline as text, one event per line.
 *
 * @example formatTimeline(entries); // '2026-11-27T14:00:00.000Z  audit #1 alice workflow.synthetic.start ...'
 */
export function formatTimeline(entries: readonly TimelineEntry[]): string {
  return entries.map((e) => `${e.time}  ${e.text}`).join('\n');
}
