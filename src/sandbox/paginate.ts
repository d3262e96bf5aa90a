import type { RouteRequest } from './router.ts';

/**
 * One page of `items` plus GitHub's `Link` header (`next`, `last`, `first`, `prev`), driven by
 * `per_page` (default 30, max 100) and `page`.
 *
 * @example paginate(req, runs).headers.link // '<…?per_page=2&page=2>; rel="next", …'
 */
export function paginate<T>(
  req: RouteRequest,
  items: T[],
): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(req.query.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = (p: number, rel: string): string => {
    const url = new URL(req.url);
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(p));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  return { items: slice, headers: links.length > 0 ? { link: links.join(', ') } : {} };
}
