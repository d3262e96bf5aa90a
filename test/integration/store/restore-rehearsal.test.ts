// The restore rehearsal: docs/runbook/restore-experience.md, step by step, through the real CLI.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/store/audit/audit-log.ts';
import { storeAuditHead } from '../../../src/store/audit/audit-head.ts';
import { ExperienceStore } from '../../../src/store/experience-store.ts';
import { runKo } from './fixtures/run-ko.ts';

const logger = pino({ level: 'silent' });
let root: string;
let dataDir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ko-rehearsal-'));
  dataDir = join(root, 'data');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** KO at work: five workflow records written, each audited (11 store writes: create, 5 records, 5 audit heads). */
async function kobongAtWork(): Promise<void> {
  const store = await ExperienceStore.open({ dataDir, logger });
  const audit = await AuditLog.open({
    dir: join(dataDir, 'audit'),
    logger,
    head: storeAuditHead(store),
  });
  for (let i = 1; i <= 5; i += 1) {
    await store.update((data) => {
      data.workflows[`wf-${i}`] = { id: `wf-${i}`, state: 'merged' };
    });
    await audit.append({
      actor: 'octocat',
      action: 'workflow.merge',
      target: `o/r#${i}`,
      outcome: 'ok',
      trace_id: 't',
      corr_id: `c${i}`,
    });
  }
  await audit.close();
}

describe('runbook rehearsal: restore experience.json from a backup', () => {
  it('follows docs/runbook/restore-experience.md from a truncated file to a verified store', async () => {
    const runbook = await readFile(
      new URL('../../../docs/runbook/restore-experience.md', import.meta.url),
      'utf8',
    );
    for (const command of [
      'ko store verify',
      'ko store list-backups',
      'ko store restore',
      'ko audit verify',
      'cp -a',
    ]) {
      expect(runbook).toContain(command);
    }
    await kobongAtWork();
    const file = join(dataDir, 'experience.json');
    const good = await readFile(file, 'utf8');
    await writeFile(file, good.slice(0, good.length - 40)); // the disk filled up mid-write, say
    const env = { KO_DATA_DIR: dataDir };

    // 1. Stop KO: nothing runs here. KO itself refuses to start:
    await expect(ExperienceStore.open({ dataDir, logger })).rejects.toMatchObject({
      code: 'STORE_CORRUPT',
    });

    // 2. See what is wrong.
    const verify = await runKo(['store', 'verify'], env);
    expect(verify.code).toBe(10);
    expect(verify.stderr).toMatch(/experience\.json is unusable \(truncated\)/);

    // 3. Look at the backups.
    const list = await runKo(['store', 'list-backups'], env);
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^main\s+experience\.json\s+\d+\s+truncated/);
    expect(lines[1]).toMatch(/^bak\s+experience\.json\.bak-\S+\s+\d+\s+ok write_seq=\d+/);

    // 4. Keep a copy of the whole folder.
    await cp(dataDir, `${dataDir}.before-restore`, { recursive: true });

    // 5. Restore the newest valid backup.
    const restore = await runKo(['store', 'restore'], env);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toMatch(/^restored from experience\.json\.bak-/);
    expect(restore.stdout).toMatch(
      /previous file: truncated: .*kept as experience\.json\.corrupt-/,
    );
    expect(restore.stdout).toMatch(/^lost: write_seq \d+\.\.\d+|^lost: writes after write_seq/m);

    // 6. Check the result.
    const after = await runKo(['store', 'verify'], env);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toContain('experience.json is valid');

    // 7. Check the audit log against the restored store: the log is ahead of the older head.
    const audit = await runKo(['audit', 'verify'], env);
    expect(audit.code, audit.stderr).toBe(0);
    expect(audit.stdout).toMatch(
      /^ok: 5 record\(s\) in \d file\(s\), seq 1\.\.5, head seq 4 matches the store/,
    );

    // 8. Start KO again: it opens with everything but the last write (the audit head of seq 5)
    // and can write on.
    const store = await ExperienceStore.open({ dataDir, logger });
    expect(Object.keys(store.data.workflows).sort()).toEqual([
      'wf-1',
      'wf-2',
      'wf-3',
      'wf-4',
      'wf-5',
    ]);
    expect(store.data.audit_head?.seq).toBe(4);
    await store.update((data) => {
      data.workflows['wf-6'] = { id: 'wf-6', state: 'merged' };
    });
    const corrupt = (await readdir(dataDir)).filter((name) =>
      name.startsWith('experience.json.corrupt-'),
    );
    expect(corrupt).toHaveLength(1);
    expect(await readdir(`${dataDir}.before-restore`)).toContain('experience.json');
  });

  it('restores a chosen file with --from, keeping the valid current file as a backup', async () => {
    await kobongAtWork();
    const backups = (await readdir(dataDir)).filter((name) => name.includes('.bak-')).sort();
    const oldest = join(dataDir, backups[0] as string); // the empty store KO created first
    const restore = await runKo(['store', '--data-dir', dataDir, 'restore', '--from', oldest], {});
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toMatch(/previous file: ok, kept as experience\.json\.bak-/);
    expect(restore.stdout).toMatch(/lost: 10 write\(s\) undone: write_seq 1\.\.10/);
    expect((await ExperienceStore.open({ dataDir, logger })).data.workflows).toEqual({});
  });
});
