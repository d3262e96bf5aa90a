import type { Logger } from 'pino';
import { ExitCode } from '../contracts/exit-codes.ts';

/** What the trap stops: the started app (see start-app.ts). */
export interface StoppableApp {
  logger: Logger;
  stop(): Promise<void>;
}

/** The part of `process` the trap uses; an EventEmitter stands in for it in tests. */
export interface SignalSource {
  on(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

export interface SignalTrapOptions {
  /** Default: SIGINT and SIGTERM. */
  signals?: readonly NodeJS.Signals[];
  /** Default: `process`. */
  source?: SignalSource;
  /** Default: `process.exit`. */
  exit?: (code: number) => void;
}

export interface SignalTrap {
  /** Hands over the started app; a signal that came while it was starting stops it now. */
  attach(app: StoppableApp): void;
  /** The first signal received, if any. */
  readonly received: NodeJS.Signals | undefined;
}

const signalNumbers: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGTERM: 15 };

/**
 * Installs stop handlers for SIGINT/SIGTERM before the app starts, so a signal during startup
 * is held until the app is up and then stops it cleanly (instead of the default action killing
 * the process). The first signal stops the app (which waits a bounded time for running webhook
 * handlers; queued ones run at the next start, ADR 0006), flushes the log and exits 0 (13 if
 * stopping failed); a second one exits at once with 128 + the signal number.
 *
 * The handlers stay installed (`on`, not `once`): libraries such as signal-exit (pulled in by
 * proper-lockfile) re-raise a signal when they see no other listener, which would kill the
 * process in the middle of a graceful stop.
 *
 * @example
 * const trap = trapStopSignals();
 * trap.attach(await startApp(readEnvOptions(process.env)));
 */
export function trapStopSignals(options: SignalTrapOptions = {}): SignalTrap {
  const source = options.source ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let app: StoppableApp | undefined;
  let received: NodeJS.Signals | undefined;
  let stopping = false;

  const stop = (target: StoppableApp, signal: NodeJS.Signals): void => {
    stopping = true;
    target.logger.info({ signal }, 'stopping');
    target
      .stop()
      .then(
        () => ExitCode.OK,
        (error: unknown) => {
          target.logger.error({ err: error }, 'error while stopping');
          return ExitCode.LOGIC;
        },
      )
      .then((code) => {
        target.logger.info({ exit_code: code }, 'stopped');
        // Octokit and friends may keep timers alive; leave once the log is flushed.
        target.logger.flush(() => exit(code));
      });
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    if (received === undefined) {
      received = signal;
      if (app) stop(app, signal);
      return;
    }
    // A second signal: the operator does not want to wait for the graceful stop.
    app?.logger.warn({ signal }, 'second stop signal; exiting without waiting');
    exit(128 + (signalNumbers[signal] ?? 0));
  };
  for (const signal of options.signals ?? ['SIGINT', 'SIGTERM']) source.on(signal, onSignal);

  return {
    attach(started) {
      app = started;
      if (received !== undefined && !stopping) stop(started, received);
    },
    get received() {
      return received;
    },
  };
}
