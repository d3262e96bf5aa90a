import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { describeLogSink } from '../logger.ts';
import type { ReadinessCheck } from './readiness-registry.ts';

/**
 * Passes when a file can be created and removed in `dir` (state and audit files live there).
 *
 * @example readiness.registerReadinessCheck('data-dir', dataDirWritableCheck(options.dataDir));
 */
export function dataDirWritableCheck(dir: string): ReadinessCheck {
  return async () => {
    await mkdir(dir, { recursive: true });
    const probe = join(dir, `.ready-${randomUUID()}`);
    await writeFile(probe, 'ok');
    await rm(probe, { force: true });
    return dir;
  };
}

/**
 * Passes while log lines have somewhere to go: the primary sink, or the fallback file after a
 * switch (reported as detail 'fallback'); fails once both are gone.
 *
 * @example readiness.registerReadinessCheck('log-sink', logSinkCheck(logger));
 */
export function logSinkCheck(logger: Logger): ReadinessCheck {
  return () => {
    const sink = describeLogSink(logger);
    if (!sink) return 'external logger';
    if (sink.mode === 'broken')
      throw new Error('the primary log sink failed and the fallback file is not writable');
    return sink.mode === 'fallback' ? `fallback: ${sink.fallbackFile}` : 'primary';
  };
}
