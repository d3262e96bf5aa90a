import { rename } from 'node:fs/promises';

/** Codes Windows returns while a virus scanner or indexer briefly holds the target open. */
const RETRYABLE = new Set(['EPERM', 'EACCES', 'EBUSY']);

export interface RenameRetryOptions {
  /** Total time budget for retries in ms. Default 2000 (graceful-fs retries for up to 60 s; a store write should fail sooner). */
  budgetMs?: number;
  /** First backoff delay in ms, doubled each time up to 100 ms. Default 5. */
  firstDelayMs?: number;
}

/**
 * `rename(from, to)` that retries EPERM/EACCES/EBUSY with a short exponential backoff, as needed
 * on Windows when another process has the target open without FILE_SHARE_DELETE.
 *
 * @example await renameWithRetry('.experience.json.123.tmp', 'experience.json');
 */
export async function renameWithRetry(
  from: string,
  to: string,
  options: RenameRetryOptions = {},
): Promise<void> {
  const budgetMs = options.budgetMs ?? 2000;
  let delay = options.firstDelayMs ?? 5;
  const started = Date.now();
  for (;;) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (!RETRYABLE.has(code) || Date.now() - started + delay > budgetMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 100);
    }
  }
}
