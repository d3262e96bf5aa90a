import type { Logger } from 'pino';

/** One named piece of work a webhook triggers. */
export interface Listener {
  name: string;
  run: () => Promise<unknown>;
}

/**
 * Runs every listener even when one fails, logs each failure, and throws one AggregateError
 * with all of them (STYLE.md §5, as @octokit/webhooks does): one failing listener never hides
 * another's work.
 *
 * @example await runListeners(logger, [{ name: 'workflow', run: () => workflow.tick() }]);
 */
export async function runListeners(logger: Logger, listeners: readonly Listener[]): Promise<void> {
  const results = await Promise.allSettled(listeners.map((listener) => listener.run()));
  const errors: unknown[] = [];
  results.forEach((result, index) => {
    if (result.status === 'fulfilled') return;
    const name = (listeners[index] as Listener).name;
    logger.error({ err: result.reason, listener: name }, `listener ${name} failed`);
    errors.push(result.reason);
  });
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1)
    throw new AggregateError(errors, `${errors.length} webhook listeners failed`);
}
