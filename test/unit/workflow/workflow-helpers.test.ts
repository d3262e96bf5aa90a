import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadRepoConfig } from '../../../src/config/repo-config/load-repo-config.ts';
import { callGitHub, rateLimitWait, statusOf } from '../../../src/workflow/github-call.ts';
import { KeyedMutex } from '../../../src/workflow/keyed-mutex.ts';
import { planCalls } from '../../../src/workflow/plan-calls.ts';
import { syntheticBranch, syntheticContent } from '../../../src/workflow/synthetic-change.ts';

const AT = new Date('2026-11-27T12:00:00.000Z');

describe('syntheticContent', () => {
  it.each([
    { input: '', expected: 'synthetic run r1 at 2026-11-27T12:00:00.000Z\n' },
    { input: '# app\n', expected: '# app\nsynthetic run r1 at 2026-11-27T12:00:00.000Z\n' },
    { input: '# app', expected: '# app\nsynthetic run r1 at 2026-11-27T12:00:00.000Z\n' },
    {
      input: '# app\nsynthetic run r0 at 2026-01-01T00:00:00.000Z\nmore\n',
      expected: '# app\nsynthetic run r1 at 2026-11-27T12:00:00.000Z\nmore\n',
    },
  ])('$input → one line changed', ({ input, expected }) => {
    expect(syntheticContent(input, 'r1', AT)).toBe(expected);
  });

  it('names the branch after the run', () => {
    expect(syntheticBranch('wf-a')).toBe('ko/synthetic-wf-a');
  });
});

describe('rateLimitWait', () => {
  const now = 1_000_000;
  const failure = (status: number, headers: Record<string, string>) => ({
    status,
    response: { headers },
  });
  it.each([
    {
      name: 'primary limit until reset',
      error: failure(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1010' }),
      expected: 10_250,
    },
    {
      name: 'secondary limit by retry-after',
      error: failure(429, { 'retry-after': '3' }),
      expected: 3000,
    },
    {
      name: 'a 403 that is not a limit',
      error: failure(403, { 'x-ratelimit-remaining': '12' }),
      expected: undefined,
    },
    { name: 'a 5xx', error: failure(502, {}), expected: undefined },
    { name: 'a network error', error: new Error('ECONNRESET'), expected: undefined },
  ])('$name', ({ error, expected }) => {
    expect(rateLimitWait(error, now)).toBe(expected);
  });

  it('reads the status of Octokit errors only', () => {
    expect(statusOf({ status: 404 })).toBe(404);
    expect(statusOf(new Error('x'))).toBeUndefined();
  });
});

describe('KeyedMutex', () => {
  it('runs work on one key in order and other keys alongside; a failure does not block the queue', async () => {
    const lock = new KeyedMutex();
    const seen: string[] = [];
    const step =
      (label: string, ms: number, fail = false) =>
      () =>
        new Promise<string>((resolve, reject) =>
          setTimeout(() => {
            seen.push(label);
            if (fail) reject(new Error(label));
            else resolve(label);
          }, ms),
        );
    const results = await Promise.allSettled([
      lock.run('a#1', step('a1', 30)),
      lock.run('a#1', step('a2', 1, true)),
      lock.run('a#1', step('a3', 1)),
      lock.run('b#1', step('b1', 5)),
    ]);
    expect(seen).toEqual(['b1', 'a1', 'a2', 'a3']);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect(lock.isBusy('a#1')).toBe(false);
  });
});

describe('planCalls', () => {
  const config = loadRepoConfig(null);
  it('lists the synthetic writes in order and says the gate needs a person by default', () => {
    const calls = planCalls(
      { kind: 'synthetic', owner: 'acme', repo: 'app', base: 'main', branch: 'ko/synthetic-x' },
      config,
    );
    expect(calls.map((c) => c.call.split(' ')[0] + ' ' + c.step)).toEqual([
      'GET branch',
      'GET branch',
      'POST branch',
      'POST branch',
      'POST branch',
      'POST branch',
      'POST pr',
      'GET checks',
      'POST checks',
      'PATCH gate',
      'PUT merge',
      'DELETE record',
    ]);
    expect(calls.find((c) => c.step === 'gate')?.detail).toContain('second person');
  });

  it('a merge run plans no branch, and names the PR it merges', () => {
    const calls = planCalls(
      { kind: 'merge', owner: 'acme', repo: 'app', base: 'main', pr: 7 },
      config,
    );
    expect(calls.some((c) => c.step === 'branch' || c.step === 'pr')).toBe(false);
    expect(calls.at(-1)?.call).toBe('PUT /repos/acme/app/pulls/7/merge');
    expect(calls.some((c) => c.call.startsWith('DELETE'))).toBe(false);
  });
});

describe('callGitHub', () => {
  const logger = pino({ level: 'silent' });
  const policy = { retries: 2, baseMs: 1, maxWaitMs: 50 };
  const failing = (errors: unknown[], value = 'ok') => {
    let calls = 0;
    const call = async (): Promise<string> => {
      const error = errors[calls];
      calls += 1;
      if (error !== undefined) throw error;
      return value;
    };
    return { call, calls: () => calls };
  };
  const http = (status: number, headers: Record<string, string> = {}) => ({
    status,
    response: { headers },
  });

  it.each([
    { name: 'two 502s then success', errors: [http(502), http(503)], calls: 3 },
    {
      name: 'a short rate limit, waited out',
      errors: [http(429, { 'retry-after': '0' })],
      calls: 2,
    },
  ])('$name', async ({ errors, calls }) => {
    const f = failing(errors);
    await expect(callGitHub('x', f.call, { logger, policy })).resolves.toBe('ok');
    expect(f.calls()).toBe(calls);
  });

  it.each([
    {
      name: 'three 502s: GITHUB_UNAVAILABLE',
      errors: [http(502), http(502), http(502)],
      code: 'GITHUB_UNAVAILABLE',
      calls: 3,
    },
    {
      name: 'a long rate limit: GITHUB_RATE_LIMITED',
      errors: [http(429, { 'retry-after': '60' })],
      code: 'GITHUB_RATE_LIMITED',
      calls: 1,
    },
    { name: 'a 404 is not retried', errors: [http(404)], code: undefined, calls: 1 },
    {
      name: 'a bug (no status) is not retried',
      errors: [new TypeError('x is undefined')],
      code: undefined,
      calls: 1,
    },
  ])('$name', async ({ errors, code, calls }) => {
    const f = failing(errors);
    const error = await callGitHub('x', f.call, { logger, policy }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe(code);
    expect(f.calls()).toBe(calls);
  });
});
