import type { RequestContext } from '../context.ts';
import { HttpError, notFound } from '../http-error.ts';
import type { Router } from '../router.ts';
import type { DeliveryState } from '../state.ts';
import { intParam, json } from './common.ts';

function item(d: DeliveryState): Record<string, unknown> {
  return {
    id: d.id,
    guid: d.guid,
    delivered_at: d.deliveredAt,
    redelivery: d.redelivery,
    duration: d.duration,
    status: d.status,
    status_code: d.statusCode,
    event: d.event,
    action: d.action,
    installation_id: d.installationId,
    repository_id: d.repositoryId,
    throttled_at: null,
  };
}

/**
 * The app's webhook deliveries (GitHub never redelivers on its own; an app lists failures and
 * asks): list with cursor pagination, one delivery in full, and redelivery.
 *
 * @example addDeliveryRoutes(router);
 */
export function addDeliveryRoutes(router: Router<RequestContext>): void {
  const jwt = { auth: 'jwt' } as const;
  router.add('GET', '/app/hook/deliveries', jwt, (req, ctx) => {
    const perPage = Math.min(100, Math.max(1, Number(req.query.get('per_page') ?? 30) || 30));
    const cursor = Number(req.query.get('cursor') ?? Number.POSITIVE_INFINITY);
    const wanted = req.query.get('status');
    const all = [...ctx.sb.state.deliveries]
      .sort((a, b) => b.id - a.id)
      .filter((d) => d.id < cursor)
      .filter(
        (d) => !wanted || (wanted === 'success') === (d.statusCode >= 200 && d.statusCode < 300),
      );
    const page = all.slice(0, perPage);
    const headers: Record<string, string> = {};
    const last = page.at(-1);
    if (last && all.length > perPage) {
      const url = new URL(req.url);
      url.searchParams.set('per_page', String(perPage));
      url.searchParams.set('cursor', String(last.id));
      headers.link = `<${url.toString()}>; rel="next"`;
    }
    return json(200, page.map(item), headers);
  });
  router.add('GET', '/app/hook/deliveries/:id', jwt, (req, ctx) => {
    const d = ctx.sb.state.deliveries.find((x) => x.id === intParam(req, 'id'));
    if (!d) throw notFound();
    return json(200, {
      ...item(d),
      url: ctx.sb.webUrl,
      request: { headers: d.requestHeaders, payload: JSON.parse(d.body) as unknown },
      response: { headers: d.responseHeaders, payload: d.responseBody },
    });
  });
  router.add('POST', '/app/hook/deliveries/:id/attempts', jwt, (req, ctx) => {
    if (!ctx.sb.redeliver(intParam(req, 'id'))) throw new HttpError(404, 'Not Found');
    return json(202, {});
  });
}
