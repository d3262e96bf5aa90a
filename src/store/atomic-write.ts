import { randomBytes } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fsyncDir } from './fsync-dir.ts';
import { renameWithRetry, type RenameRetryOptions } from './rename-with-retry.ts';

export interface AtomicWriteOptions {
  /** fsync the temp file and the folder (default true). Only benchmarks turn it off. */
  fsync?: boolean;
  /** File mode for a new file. Default 0o600: state may hold runner identities. */
  mode?: number;
  rename?: RenameRetryOptions;
  /** Called after the temp file is durable and just before the rename; throw to abandon the write. */
  beforeRename?: () => void;
}

/**
 * A temp name in the same folder (rename is only atomic within one file system), unique per
 * process and call so two writers never share a temp file (steno uses one fixed name).
 */
export function tempNameFor(target: string): string {
  return join(
    dirname(target),
    `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
}

/**
 * Replaces `target` with `data` so that a reader (or a crash) sees either the old or the new
 * content, never a mix: write a unique temp file → fsync → rename over the target → fsync the folder.
 *
 * @example await writeFileAtomic('.ko/experience.json', JSON.stringify(doc));
 */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const sync = options.fsync ?? true;
  const temp = tempNameFor(target);
  const handle = await open(temp, 'wx', options.mode ?? 0o600);
  let renamed = false;
  try {
    try {
      await handle.writeFile(data);
      if (sync) await handle.sync();
    } finally {
      await handle.close();
    }
    options.beforeRename?.();
    await renameWithRetry(temp, target, options.rename);
    renamed = true;
    if (sync) await fsyncDir(dirname(target));
  } finally {
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
}
