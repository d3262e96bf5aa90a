import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/store/audit/audit-log.ts';
import { listAuditFiles } from '../../../src/store/audit/audit-files.ts';
import { storeAuditHead } from '../../../src/store/audit/audit-head.ts';
import { ExperienceStore } from '../../../src/store/experience-store.ts';
import { runKo } from './fixtures/run-ko.ts';

const logger = pino({ level: 'silent' });
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ko-audit-cli-'));
  const store = await ExperienceStore.open({ dataDir: dir, logger });
  const audit = await AuditLog.open({
    dir: join(dir, 'audit'),
    logger,
    head: storeAuditHead(store),
  });
  for (let i = 1; i <= 4; i += 1) {
    await audit.append({
      actor: 'octocat',
      action: 'approval.proceed',
      target: `job-${i}`,
      outcome: 'ok',
      trace_id: 't',
      corr_id: 'c',
    });
  }
  await audit.close();
  const [file] = await listAuditFiles(join(dir, 'audit'));
  const lines = (await readFile(file as string, 'utf8')).split('\n');
  lines[2] = (lines[2] as string).replace('"actor":"octocat"', '"actor":"mallory"');
  await writeFile(file as string, lines.join('\n'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ko audit verify', () => {
  it('exits 11 (CONFLICT) and names the first bad record as file:line (seq)', async () => {
    const whole = await runKo(['audit', 'verify'], { KO_DATA_DIR: dir });
    expect(whole.code).toBe(11);
    expect(whole.stderr).toMatch(
      /audit-\d{4}-\d{2}-\d{2}\.jsonl:3 \(seq 3\): hash does not match the content: the record was edited/,
    );
    expect(whole.stderr).toContain('2 record(s) before it verified');
  });

  it('checks named files too, and exits 10 for a file that cannot be read', async () => {
    const [file] = await listAuditFiles(join(dir, 'audit'));
    const named = await runKo(['audit', '--data-dir', dir, 'verify', file as string], {});
    expect(named.code).toBe(11);
    const missing = await runKo(['audit', 'verify', join(dir, 'audit', 'audit-1999-01-01.jsonl')], {
      KO_DATA_DIR: dir,
    });
    expect(missing.code).toBe(10);
    expect(missing.stderr).toMatch(/ENOENT/);
  });
});
