import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { tempNameFor } from '../store/atomic-write.ts';

/** Codes Windows returns while a scanner or indexer briefly holds the target open. */
const RETRYABLE = new Set(['EPERM', 'EACCES', 'EBUSY']);
const UNSUPPORTED_DIR_SYNC = new Set(['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP', 'EBADF']);

/**
 * The store's atomic replace (unique temp → fsync → rename → fsync folder), done synchronously:
 * for a caller whose in-memory state must not change between taking the snapshot it writes and
 * the rename (the job queue's prune). Renames that Windows refuses for a moment are retried for
 * up to about a second.
 *
 * @example replaceFileSync('.ko/hub/jobs.jsonl', lines.join(''));
 */
export function replaceFileSync(target: string, data: string): void {
  const temp = tempNameFor(target);
  const fd = openSync(temp, 'wx', 0o600);
  let renamed = false;
  try {
    try {
      const buffer = Buffer.from(data, 'utf8');
      let offset = 0;
      while (offset < buffer.length)
        offset += writeSync(fd, buffer, offset, buffer.length - offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameRetrying(temp, target);
    renamed = true;
    fsyncDirSync(dirname(target));
  } finally {
    if (!renamed) {
      try {
        unlinkSync(temp);
      } catch {
        // already gone
      }
    }
  }
}

function renameRetrying(from: string, to: string): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let delay = 5; ; delay *= 2) {
    try {
      renameSync(from, to);
      return;
    } catch (error) {
      if (!RETRYABLE.has((error as NodeJS.ErrnoException).code ?? '') || delay > 320) throw error;
      Atomics.wait(pause, 0, 0, delay);
    }
  }
}

function fsyncDirSync(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch (error) {
    if (UNSUPPORTED_DIR_SYNC.has((error as NodeJS.ErrnoException).code ?? '')) return;
    throw error;
  }
  try {
    fsyncSync(fd);
  } catch (error) {
    if (!UNSUPPORTED_DIR_SYNC.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    closeSync(fd);
  }
}
