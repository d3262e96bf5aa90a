// Pure rules of the hub: spec validation, matching, ordering, labels, bearer parsing.
import { describe, expect, it } from 'vitest';
import { KoError } from '../../../contracts/errors.ts';
import { normalizeSpec } from '../../../src/hub/job-queue.ts';
import { compareJobs, runnerSatisfies, type Job } from '../../../src/hub/job-types.ts';
import { effectiveLabels } from '../../../src/hub/runner-session.ts';
import { bearerToken } from '../../../src/hub/upgrade-auth.ts';

describe('normalizeSpec', () => {
  const refused: { input: unknown; code: string }[] = [
    { input: {}, code: 'JOB_BAD_FIELD' },
    { input: { script: '   ' }, code: 'JOB_BAD_FIELD' },
    { input: { script: 'x', priority: 10 }, code: 'JOB_BAD_FIELD' },
    { input: { script: 'x', priority: 1.5 }, code: 'JOB_BAD_FIELD' },
    { input: { script: 'x', timeout_ms: 0 }, code: 'JOB_BAD_FIELD' },
    { input: { script: 'x', apply: 'yes' }, code: 'JOB_BAD_FIELD' },
    { input: { script: 'x', labels: 'windows' }, code: 'JOB_BAD_FIELD' },
    { input: { script: 'x', working_dir: '../up' }, code: 'JOB_WORKING_DIR_OUTSIDE_ROOT' },
    { input: { script: 'x', working_dir: 'a/../../b' }, code: 'JOB_WORKING_DIR_OUTSIDE_ROOT' },
    { input: { script: 'x', working_dir: '/etc' }, code: 'JOB_WORKING_DIR_OUTSIDE_ROOT' },
    { input: { script: 'x', working_dir: 'C:\\Windows' }, code: 'JOB_WORKING_DIR_OUTSIDE_ROOT' },
    {
      input: { script: 'x', working_dir: '\\\\server\\share' },
      code: 'JOB_WORKING_DIR_OUTSIDE_ROOT',
    },
    { input: { script: 'x'.repeat(128 * 1024 + 1) }, code: 'JOB_SCRIPT_TOO_LARGE' },
  ];
  for (const { input, code } of refused) {
    it(`refuses ${JSON.stringify(input).slice(0, 60)} with ${code}`, () => {
      let error: unknown;
      try {
        normalizeSpec(input as never);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(KoError);
      expect((error as KoError).code).toBe(code);
      expect((error as KoError).hint).toBeTruthy();
    });
  }

  it('fills the defaults: dry-run, not idempotent, priority 5; labels lower-cased and sorted', () => {
    expect(
      normalizeSpec({
        script: 'Get-Date',
        labels: ['Windows', 'ps7', 'windows'],
        working_dir: 'src/app',
      }),
    ).toEqual({
      script: 'Get-Date',
      apply: false,
      idempotent: false,
      priority: 5,
      capabilities: [],
      labels: ['ps7', 'windows'],
      working_dir: 'src/app',
    });
  });
});

function job(over: Partial<Job['spec']> & { seq?: number }): Job {
  const { seq = 1, ...spec } = over;
  return {
    id: `j${seq}`,
    seq,
    spec: {
      script: 'x',
      apply: false,
      idempotent: false,
      priority: 5,
      capabilities: [],
      labels: [],
      ...spec,
    },
  } as Job;
}

describe('runnerSatisfies', () => {
  const runner = { runner_id: 'r', capabilities: ['git', 'pwsh7'], labels: ['ps7', 'windows'] };
  const cases = [
    { spec: {}, expected: true },
    { spec: { labels: ['windows'] }, expected: true },
    { spec: { labels: ['windows', 'gpu'] }, expected: false },
    { spec: { capabilities: ['git'] }, expected: true },
    { spec: { capabilities: ['docker'] }, expected: false },
  ];
  for (const { spec, expected } of cases) {
    it(`${JSON.stringify(spec)} → ${expected}`, () =>
      expect(runnerSatisfies(job(spec), runner)).toBe(expected));
  }
});

describe('compareJobs', () => {
  it('orders by priority (high first), then age', () => {
    const jobs = [
      job({ seq: 1, priority: 1 }),
      job({ seq: 2, priority: 9 }),
      job({ seq: 3, priority: 9 }),
      job({ seq: 4, priority: 5 }),
    ];
    expect(jobs.sort(compareJobs).map((j) => j.seq)).toEqual([2, 3, 4, 1]);
  });
});

describe('effectiveLabels', () => {
  const cases = [
    { token: ['windows'], hello: ['linux', 'gpu'], expected: ['windows'] },
    { token: [], hello: ['Linux', 'gpu'], expected: ['gpu', 'linux'] },
    { token: [], hello: [], expected: [] },
  ];
  for (const c of cases) {
    it(`token ${c.token} + hello ${c.hello} → ${c.expected}`, () =>
      expect(effectiveLabels(c.token, c.hello)).toEqual(c.expected));
  }
});

describe('bearerToken', () => {
  const cases = [
    { header: 'Bearer kor_abc', expected: 'kor_abc' },
    { header: 'bearer   kor_abc ', expected: 'kor_abc' },
    { header: 'Basic kor_abc', expected: undefined },
    { header: 'Bearer', expected: undefined },
    { header: undefined, expected: undefined },
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.header)} → ${c.expected}`, () =>
      expect(bearerToken({ authorization: c.header })).toBe(c.expected));
  }
});
