import { open } from 'node:fs/promises';

/** Error codes a platform returns when a folder cannot be opened or fsynced (Windows, some FUSE mounts). */
const UNSUPPORTED_DIR_SYNC = new Set(['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP', 'EBADF']);

/**
 * Flushes a folder's entries to disk, so a rename inside it survives a power cut.
 * Windows cannot open a folder for fsync; there the rename is already durable on NTFS, so this
 * becomes a no-op instead of an error.
 *
 * @example await fsyncDir('/var/lib/ko');
 */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch (error) {
    if (UNSUPPORTED_DIR_SYNC.has((error as NodeJS.ErrnoException).code ?? '')) return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    if (!UNSUPPORTED_DIR_SYNC.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle.close();
  }
}
