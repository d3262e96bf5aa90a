import { describe, expect, it } from 'vitest';
import { Router } from '../../../src/sandbox/router.ts';

const router = new Router<null>()
  .add('GET', '/repos/:owner/:repo', { auth: 'installation' }, () => ({
    status: 200,
    body: 'repo',
  }))
  .add('GET', '/repos/:owner/:repo/git/ref/*ref', { auth: 'installation' }, () => ({
    status: 200,
    body: 'ref',
  }))
  .add('PUT', '/repos/:owner/:repo/contents/*path', { auth: 'installation' }, () => ({
    status: 200,
    body: 'put',
  }))
  .add('GET', '/app', { auth: 'jwt' }, () => ({ status: 200, body: 'app' }));

describe('Router.match', () => {
  const cases: {
    method: string;
    path: string;
    params: Record<string, string> | undefined;
    allowed?: string[];
  }[] = [
    { method: 'GET', path: '/repos/o/r', params: { owner: 'o', repo: 'r' } },
    { method: 'get', path: '/repos/o/r/', params: { owner: 'o', repo: 'r' } },
    {
      method: 'GET',
      path: '/repos/o/r/git/ref/heads/feature/x',
      params: { owner: 'o', repo: 'r', ref: 'heads/feature/x' },
    },
    // Octokit percent-encodes slashes inside a parameter.
    {
      method: 'GET',
      path: '/repos/o/r/git/ref/heads%2Ffeature%2Fx',
      params: { owner: 'o', repo: 'r', ref: 'heads/feature/x' },
    },
    {
      method: 'PUT',
      path: '/repos/o/r/contents/docs/a%20b.md',
      params: { owner: 'o', repo: 'r', path: 'docs/a b.md' },
    },
    { method: 'GET', path: '/repos/o/r/git/ref', params: undefined },
    { method: 'GET', path: '/repos/o', params: undefined },
    { method: 'DELETE', path: '/app', params: undefined, allowed: ['GET'] },
    { method: 'GET', path: '/repos/o/r/contents/x', params: undefined, allowed: ['PUT'] },
  ];
  it.each(cases)('$method $path', ({ method, path, params, allowed }) => {
    const result = router.match(method, path);
    expect(result.found?.params).toEqual(params);
    if (allowed) expect(result.allowed).toEqual(allowed);
  });
});
