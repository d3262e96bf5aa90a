import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DestinationStream } from 'pino';

/** Where lines currently go: the primary sink, the JSONL fallback file, or nowhere. */
export type SinkMode = 'primary' | 'fallback' | 'broken';

export interface FallbackDestination extends DestinationStream {
  readonly mode: SinkMode;
  readonly fallbackFile: string | undefined;
  /** Why the primary sink was abandoned, if it was. */
  readonly failure: Error | undefined;
  flush(callback?: (error?: Error | null) => void): void;
  /** Closes the fallback file (the primary belongs to whoever made it). */
  close(): void;
}

/** The part of a pino destination (SonicBoom, a Writable) this module uses. */
interface PrimarySink extends DestinationStream {
  on?(event: 'error', listener: (error: Error) => void): unknown;
  flush?(callback?: (error?: Error | null) => void): void;
}

export interface FallbackDestinationOptions {
  primary: PrimarySink;
  /** JSONL file to append to once the primary fails; without it lines are dropped then. */
  fallbackFile?: string | undefined;
  /** Builds the (already masked) warning line recording the switch. */
  switchLine(error: Error, fallbackFile: string | undefined): string;
}

/**
 * A pino destination that writes to `primary` until it throws or emits 'error', then appends
 * every further line to `fallbackFile` (one JSON object per line, synchronous so nothing is
 * lost at exit), starting with a warning that records the switch. It never switches back: a
 * sink that failed once is not trusted again until restart.
 *
 * @example pino(options, createFallbackDestination({ primary: pino.destination(1), fallbackFile: '.ko/logs/fallback.jsonl', switchLine }))
 */
export function createFallbackDestination(
  options: FallbackDestinationOptions,
): FallbackDestination {
  const { primary, fallbackFile } = options;
  let mode: SinkMode = 'primary';
  let failure: Error | undefined;
  let fd: number | undefined;

  function appendFallback(line: string): void {
    if (mode === 'broken' || fallbackFile === undefined) {
      mode = 'broken';
      return;
    }
    try {
      if (fd === undefined) {
        mkdirSync(dirname(fallbackFile), { recursive: true });
        fd = openSync(fallbackFile, 'a');
      }
      writeSync(fd, line.endsWith('\n') ? line : `${line}\n`);
    } catch {
      // Both sinks are gone; there is nowhere left to say so.
      mode = 'broken';
    }
  }

  function switchToFallback(error: Error): void {
    if (mode !== 'primary') return;
    mode = 'fallback';
    failure = error;
    const warning = options.switchLine(error, fallbackFile);
    appendFallback(warning);
    try {
      process.stderr.write(warning);
    } catch {
      // stderr may be the sink that failed.
    }
  }

  primary.on?.('error', (error) => switchToFallback(error));

  return {
    get mode() {
      return mode;
    },
    get fallbackFile() {
      return fallbackFile;
    },
    get failure() {
      return failure;
    },
    write(line: string): void {
      if (mode === 'primary') {
        try {
          primary.write(line);
          return;
        } catch (error) {
          switchToFallback(error instanceof Error ? error : new Error(String(error)));
        }
      }
      appendFallback(line);
    },
    flush(callback) {
      if (mode === 'primary' && primary.flush) primary.flush(callback);
      else callback?.(null);
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
