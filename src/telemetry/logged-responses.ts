import type { ServerResponse } from 'node:http';

const LOGGED = Symbol('ko.response-logged');

/**
 * Marks a response as already logged by its handler (health endpoints write their own line with
 * trace ids), so Probot's access logger does not add a second line for it.
 *
 * @example markResponseLogged(res); res.end(body);
 */
export function markResponseLogged(res: ServerResponse): void {
  (res as unknown as Record<symbol, boolean>)[LOGGED] = true;
}

/**
 * True when a log call is Probot's access-log line (pino-http passes `{ res, responseTime }`)
 * for a response marked with markResponseLogged.
 */
export function isAccessLineForLoggedResponse(firstArgument: unknown): boolean {
  if (typeof firstArgument !== 'object' || firstArgument === null || !('res' in firstArgument))
    return false;
  const res = (firstArgument as { res: unknown }).res;
  return (
    typeof res === 'object' && res !== null && (res as Record<symbol, unknown>)[LOGGED] === true
  );
}
