import type { RouteResponse } from './router.ts';
import type { SandboxControls } from './controls.ts';
import { HttpError } from './http-error.ts';

type Args = unknown[];

/**
 * The control API over HTTP, for a stand-in running in another process (`ko demo`):
 * `POST /_sandbox/<control>` with `{ "args": [...] }` calls that control; `POST /_sandbox/as/<login>/<action>`
 * acts as a person. `GET /_sandbox/health` answers `{ ok: true }`.
 *
 * @example await fetch(`${url}/_sandbox/setPermission`, { method: 'POST', body: JSON.stringify({ args: ['acme/app', 'bob', 'write'] }) });
 */
export function createHttpControls(
  controls: SandboxControls,
): (path: string, body: unknown) => Promise<RouteResponse | undefined> {
  const direct: Record<string, (args: Args) => unknown> = {
    seedRepo: (a) => {
      const repo = controls.seedRepo(a[0] as Parameters<SandboxControls['seedRepo']>[0]);
      return { id: repo.id, full_name: `${repo.owner}/${repo.name}` };
    },
    setPermission: (a) =>
      controls.setPermission(
        String(a[0]),
        String(a[1]),
        a[2] as Parameters<SandboxControls['setPermission']>[2],
      ),
    setCi: (a) => controls.setCi(String(a[0]), a[1] as Parameters<SandboxControls['setCi']>[1]),
    setRequiredChecks: (a) => controls.setRequiredChecks(String(a[0]), a[1] as string[]),
    clickCheckRunAction: (a) =>
      controls.clickCheckRunAction(Number(a[0]), String(a[1]), String(a[2])),
    readFile: (a) =>
      controls.readFile(
        String(a[0]),
        String(a[1]),
        a[2] === undefined ? undefined : String(a[2]),
      ) ?? null,
    getPullRequest: (a) => controls.getPullRequest(String(a[0]), Number(a[1])),
    deliveries: () => controls.deliveries().map(({ body: _b, ...rest }) => rest),
    rateLimit: (a) =>
      controls.rateLimit(Number(a[0]), {
        resetInSeconds: a[1] === undefined ? undefined : Number(a[1]),
      }),
    secondaryRateLimit: (a) => controls.secondaryRateLimit(Number(a[0])),
    serverErrors: (a) => controls.serverErrors(Number(a[0])),
    dropDeliveries: (a) => controls.dropDeliveries(Number(a[0])),
    duplicateDeliveries: (a) => controls.duplicateDeliveries(Number(a[0])),
  };
  return async (path, body) => {
    if (path === '/health') return { status: 200, body: { ok: true } };
    const args = ((body as { args?: unknown } | undefined)?.args ?? []) as Args;
    if (!Array.isArray(args)) throw new HttpError(422, 'args must be an array');
    const asMatch = /^\/as\/([^/]+)\/([A-Za-z]+)$/.exec(path);
    if (asMatch) {
      const user = controls.as(decodeURIComponent(asMatch[1] ?? ''));
      const action = asMatch[2] ?? '';
      const fn = (user as unknown as Record<string, unknown>)[action];
      if (typeof fn !== 'function' || action === 'constructor') return undefined;
      const result: unknown = (fn as (...a: Args) => unknown).apply(user, args);
      return { status: 200, body: { result: result ?? null } };
    }
    const fn = direct[path.slice(1)];
    if (!fn) return undefined;
    return { status: 200, body: { result: fn(args) ?? null } };
  };
}
