import { basename, dirname } from 'node:path';
import type { Logger } from 'pino';
import { PreconditionError } from '../../contracts/errors.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { keepAside, listStamped, type BackupMode } from './backups.ts';
import { fsyncDir } from './fsync-dir.ts';
import { readInspected, type FileInspection } from './read-inspected.ts';

export interface RestoreOptions {
  /** The experience file to restore. */
  file: string;
  /** Restore this file; default: the newest backup that passes inspection. */
  from?: string;
  logger: Logger;
  now?: () => Date;
  backupMode?: BackupMode;
  fsync?: boolean;
}

/** What a restore did and what it cost; also logged. */
export interface RestoreReport {
  restoredFrom: string;
  restoredWriteSeq: number;
  restoredWrittenAt: string;
  /** What the main file was before: `ok`, or the problem found. */
  previousState: string;
  /** Where the previous main file was kept (`.bak-` if it was valid, `.corrupt-` if not). */
  previousKeptAs: string | undefined;
  /** Backups passed over because they failed inspection, newest first. */
  skippedBackups: Array<{ name: string; problem: string }>;
  /** A sentence saying which writes are gone. */
  lost: string;
}

function describeLoss(previous: FileInspection, restoredSeq: number, restoredAt: string): string {
  if (previous.ok) {
    const gap = previous.document.write_seq - restoredSeq;
    return gap > 0
      ? `${gap} write(s) undone: write_seq ${restoredSeq + 1}..${previous.document.write_seq} (last written ${previous.document.written_at})`
      : `nothing lost: the previous file was at write_seq ${previous.document.write_seq}, not newer than the restored ${restoredSeq}`;
  }
  if (previous.problem === 'missing')
    return `unknown: the main file was missing; everything written after ${restoredAt} (write_seq ${restoredSeq}) is gone`;
  const seq = previous.partial?.write_seq;
  const at = previous.partial?.written_at ?? `${previous.mtime.toISOString()} (file mtime)`;
  if (seq !== undefined && seq > restoredSeq) {
    return `write_seq ${restoredSeq + 1}..${seq} (written between ${restoredAt} and ${at}) are lost; the bad file is kept for inspection`;
  }
  return `writes after write_seq ${restoredSeq} (written ${restoredAt}), if there were any, are lost; the bad file (last modified ${previous.mtime.toISOString()}, ${previous.size} bytes) is kept for inspection`;
}

/**
 * Replaces the main experience file with a valid backup. The current main file is never
 * destroyed: a valid one becomes a `.bak-`, a bad one a `.corrupt-`. The caller holds the store lock.
 *
 * @example const report = await restoreExperience({ file: '.ko/experience.json', logger });
 */
export async function restoreExperience(options: RestoreOptions): Promise<RestoreReport> {
  const now = options.now ?? (() => new Date());
  const { file, logger } = options;
  const skippedBackups: RestoreReport['skippedBackups'] = [];
  let source: string | undefined;
  let chosen: Extract<FileInspection, { ok: true }> | undefined;
  if (options.from !== undefined) {
    const found = await readInspected(options.from);
    if (!found.ok) {
      throw new PreconditionError(
        'RESTORE_SOURCE_INVALID',
        `${options.from} cannot be restored (${found.problem}): ${found.detail}`,
        {
          hint: 'pick another file from `ko store list-backups`',
        },
      );
    }
    source = options.from;
    chosen = found;
  } else {
    for (const backup of await listStamped(file, 'bak')) {
      const found = await readInspected(backup.path);
      if (found.ok) {
        source = backup.path;
        chosen = found;
        break;
      }
      skippedBackups.push({ name: backup.name, problem: `${found.problem}: ${found.detail}` });
    }
  }
  if (!chosen || source === undefined) {
    throw new PreconditionError(
      'STORE_NO_VALID_BACKUP',
      `no valid backup of ${file} found (${skippedBackups.length} tried)`,
      {
        hint: 'look for copies elsewhere (host backups) and use `ko store restore --from FILE`',
        details: { skippedBackups },
      },
    );
  }
  const previous = await readInspected(file);
  let previousKeptAs: string | undefined;
  if (previous.ok || previous.problem !== 'missing') {
    previousKeptAs = await keepAside(
      file,
      previous.ok ? 'bak' : 'corrupt',
      now(),
      options.backupMode,
    );
  }
  await writeFileAtomic(file, chosen.bytes, { fsync: options.fsync ?? true });
  if (previousKeptAs && options.fsync !== false) await fsyncDir(dirname(file));
  const report: RestoreReport = {
    restoredFrom: basename(source),
    restoredWriteSeq: chosen.document.write_seq,
    restoredWrittenAt: chosen.document.written_at,
    previousState: previous.ok ? 'ok' : `${previous.problem}: ${previous.detail}`,
    previousKeptAs: previousKeptAs === undefined ? undefined : basename(previousKeptAs),
    skippedBackups,
    lost: describeLoss(previous, chosen.document.write_seq, chosen.document.written_at),
  };
  logger.warn(
    { event: 'store.restored', file, ...report },
    `restored ${file} from ${report.restoredFrom}; lost: ${report.lost}`,
  );
  return report;
}
