import { createMasker } from '../../src/telemetry/mask.ts';
import { createStreamMasker } from '../../src/telemetry/stream-masker.ts';
import type { TextTransformFactory } from './runner-ports.ts';

/**
 * Masks job output before it is chunked: known secret shapes plus the given values, with a
 * stream masker per stream so a secret split across two reads is still caught.
 *
 * @example executeJob(req, { ..., transformText: createOutputMasking([token]) });
 */
export function createOutputMasking(
  secrets: readonly (string | undefined)[],
): TextTransformFactory {
  const masker = createMasker({ secrets });
  return () => {
    const stream = createStreamMasker(masker);
    return { push: (text) => stream.write(text), flush: () => stream.flush() };
  };
}
