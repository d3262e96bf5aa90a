import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { fsyncDirSync } from '../../src/hub/durable-log.ts';

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Moves jobs spooled by an older runner (one folder per job: request.json, chunks.jsonl,
 * result.json) into one spool file, synced, before the folders are deleted: an upgrade never
 * drops an unacknowledged result.
 *
 * @example importLegacySpool('.ko-runner/spool', 'spool-000001.jsonl');
 */
export function importLegacySpool(dir: string, targetName: string): void {
  const folders = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'request.json')))
    .map((d) => join(dir, d.name));
  if (folders.length === 0) return;
  const lines: string[] = [];
  for (const folder of folders) {
    const request = readJson(join(folder, 'request.json')) as { job_id?: unknown } | undefined;
    if (typeof request?.job_id !== 'string') continue;
    const job = request.job_id;
    lines.push(JSON.stringify({ t: 'req', job, request }));
    const chunks = join(folder, 'chunks.jsonl');
    if (existsSync(chunks))
      for (const line of readFileSync(chunks, 'utf8').split('\n')) {
        try {
          if (line !== '') lines.push(JSON.stringify({ t: 'chunk', job, chunk: JSON.parse(line) }));
        } catch {
          // a torn last chunk line: the hub re-requests what is missing
        }
      }
    const result = readJson(join(folder, 'result.json'));
    if (result !== undefined) lines.push(JSON.stringify({ t: 'result', job, result }));
  }
  const fd = openSync(join(dir, targetName), 'w', 0o600);
  try {
    writeSync(fd, lines.map((line) => `${line}\n`).join(''));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  fsyncDirSync(dir);
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
}
