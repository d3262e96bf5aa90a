import { execa } from 'execa';

/** `graceful` asks the tree to stop; `force` ends it. */
export type StopStage = 'graceful' | 'force';

/**
 * Signals a job's whole process tree. POSIX: the job runs as the leader of its own process group
 * (spawned detached), so one signal to `-pid` reaches every descendant that did not leave the
 * group. Windows: `taskkill /T` walks the parent links (see docs/ADR/0002-process-tree-kill.md
 * for why a job object would be better). Returns false when nothing was left to signal.
 *
 * @example signalProcessTree(child.pid, 'graceful'); // SIGTERM to the group
 */
export function signalProcessTree(
  pid: number,
  stage: StopStage,
  platform: NodeJS.Platform = process.platform,
): boolean {
  if (platform === 'win32') {
    // Without /F taskkill asks politely (WM_CLOSE), which console programs mostly ignore; the
    // forced stage follows after the grace period either way.
    const args = ['/PID', String(pid), '/T', ...(stage === 'force' ? ['/F'] : [])];
    execa('taskkill', args, { reject: false, windowsHide: true, stdio: 'ignore' }).catch(
      () => undefined,
    );
    return true;
  }
  try {
    process.kill(-pid, stage === 'force' ? 'SIGKILL' : 'SIGTERM');
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}
