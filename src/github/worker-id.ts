import { hostname } from 'node:os';

/**
 * This process as a ledger worker: `host:pid`.
 *
 * @example currentWorkerId(); // 'build-7:4242'
 */
export function currentWorkerId(): string {
  return `${hostname()}:${process.pid}`;
}

/**
 * True when `worker` is another live process on this host (its deliveries are not ours to
 * recover). This process's own id is never alive here: what it finds under its id at start was
 * left by an earlier process that had the same pid (a container restart).
 *
 * @example isOtherLiveWorker(currentWorkerId()); // false
 */
export function isOtherLiveWorker(worker: string | undefined): boolean {
  const match = /^(.*):(\d+)$/.exec(worker ?? '');
  if (!match || match[1] !== hostname()) return false;
  const pid = Number(match[2]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
