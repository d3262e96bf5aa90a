import { describe, expect, it } from 'vitest';
import { paginate } from '../../../src/sandbox/paginate.ts';
import type { RouteRequest } from '../../../src/sandbox/router.ts';

function req(query: string): RouteRequest {
  const url = `http://h/api/v3/x${query}`;
  return {
    method: 'GET',
    path: '/x',
    url,
    params: {},
    query: new URL(url).searchParams,
    body: undefined,
    headers: {},
  };
}

const items = Array.from({ length: 5 }, (_, i) => i + 1);

describe('paginate', () => {
  const cases: { query: string; items: number[]; rels: string[] }[] = [
    { query: '', items: [1, 2, 3, 4, 5], rels: [] },
    { query: '?per_page=2', items: [1, 2], rels: ['next', 'last'] },
    { query: '?per_page=2&page=2', items: [3, 4], rels: ['prev', 'next', 'last', 'first'] },
    { query: '?per_page=2&page=3', items: [5], rels: ['prev', 'first'] },
    { query: '?per_page=2&page=9', items: [], rels: ['prev', 'first'] },
    { query: '?per_page=0', items: [1, 2, 3, 4, 5], rels: [] },
  ];
  it.each(cases)('$query', ({ query, items: expected, rels }) => {
    const page = paginate(req(query), items);
    expect(page.items).toEqual(expected);
    expect([...(page.headers.link ?? '').matchAll(/rel="(\w+)"/g)].map((m) => m[1])).toEqual(rels);
  });

  it('keeps other query parameters in the links', () => {
    expect(paginate(req('?state=all&per_page=1'), items).headers.link).toContain('state=all');
  });
});
