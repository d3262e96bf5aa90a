import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Writes a whole file so that a reader sees the old or the new content, never a torn one:
 * a uniquely named temp file in the same folder, fsync, rename over the target, fsync the folder.
 *
 * @example writeFileAtomicSync('.ko/runner-tokens.json', JSON.stringify(doc));
 */
export function writeFileAtomicSync(path: string, content: string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  fsyncDirSync(dir);
}

/** fsyncs a directory so a rename or a new file in it survives a crash (no-op where unsupported). */
export function fsyncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open a directory for fsync; NTFS journals the rename itself.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
