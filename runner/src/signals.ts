import type { Logger } from 'pino';
import { ExitCode } from '../../contracts/exit-codes.ts';
import type { RunnerDaemon } from './runner-daemon.ts';

/**
 * SIGINT/SIGTERM escalate: the first drains (no new jobs; running ones finish and their results
 * are delivered, then the runner exits 0), the second cancels running jobs (graceful stop, kill
 * after the grace period; results still delivered), the third exits at once, leaving undelivered
 * results in the spool for the next start.
 *
 * @example installSignalHandlers(daemon, logger);
 */
export function installSignalHandlers(daemon: RunnerDaemon, logger: Logger): void {
  let count = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    count += 1;
    if (count === 1) {
      logger.info(
        { signal },
        'draining: finishing running jobs, taking no new ones (signal again to cancel them)',
      );
      daemon.drain();
      void daemon.idle().then(async () => {
        await daemon.stop();
        logger.info('drained; exiting');
        process.exit(ExitCode.OK);
      });
    } else if (count === 2) {
      logger.warn(
        { signal, jobs: daemon.runningJobIds },
        'cancelling running jobs (signal again to exit now)',
      );
      daemon.cancelAll();
    } else {
      logger.error({ signal }, 'exiting now; undelivered results stay in the spool');
      process.exit(ExitCode.TRANSIENT);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
