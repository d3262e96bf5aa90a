import { describe, expect, it } from 'vitest';
import {
  judgeChecks,
  type CheckRunLike,
  type CheckSuiteLike,
} from '../../../src/workflow/judge-checks.ts';

const KO = 42;
const CI = { id: 7, slug: 'ci' };
const OTHER = { id: 8, slug: 'scanner' };

const run = (over: Partial<CheckRunLike> & { name: string }): CheckRunLike => ({
  id: 1,
  status: 'completed',
  conclusion: 'success',
  app: { id: CI.id },
  check_suite: { id: 100 },
  ...over,
});
const suite = (over: Partial<CheckSuiteLike> = {}): CheckSuiteLike => ({
  id: 100,
  status: 'completed',
  conclusion: 'success',
  app: CI,
  ...over,
});
const koSuite = suite({ id: 900, status: 'queued', conclusion: null, app: { id: KO, slug: 'ko' } });

describe('judgeChecks', () => {
  const cases: {
    name: string;
    runs?: CheckRunLike[];
    suites?: CheckSuiteLike[];
    statuses?: { context: string; state: string }[];
    required?: string[];
    ownAppIds?: number[];
    expected: Record<string, string>;
  }[] = [
    {
      name: 'a passed required run',
      runs: [run({ name: 'build' })],
      suites: [suite()],
      required: ['build'],
      expected: { build: 'success' },
    },
    {
      name: 'the latest run of a name wins',
      runs: [run({ name: 'build', conclusion: 'failure' }), run({ id: 2, name: 'build' })],
      suites: [suite()],
      required: ['build'],
      expected: { build: 'success' },
    },
    {
      name: 'a completed run in a re-requested (queued) suite is pending, not its stale failure',
      runs: [run({ name: 'build', conclusion: 'failure' })],
      suites: [suite({ status: 'queued', conclusion: null })],
      required: ['build'],
      expected: { build: 'pending' },
    },
    {
      name: 'a failing sibling in the suite does not fail a required run that passed',
      runs: [run({ name: 'build' }), run({ id: 2, name: 'lint', conclusion: 'failure' })],
      suites: [suite({ conclusion: 'failure' })],
      required: ['build'],
      expected: { build: 'success' },
    },
    {
      name: 'a required name with no run and no status is missing',
      suites: [suite({ status: 'queued', conclusion: null })],
      required: ['build'],
      expected: { build: 'missing' },
    },
    {
      name: 'a commit status stands in for a missing run',
      statuses: [{ context: 'legacy', state: 'error' }],
      required: ['legacy'],
      expected: { legacy: 'failure' },
    },
    {
      name: 'a required app waits for its queued suite before runs exist',
      suites: [suite({ status: 'queued', conclusion: null })],
      required: ['app:ci'],
      expected: { 'app:ci': 'pending' },
    },
    {
      name: 'a required app fails on a completed failing suite',
      runs: [run({ name: 'lint', conclusion: 'failure' })],
      suites: [suite({ conclusion: 'failure' })],
      required: ['app:ci'],
      expected: { 'app:ci': 'failure' },
    },
    {
      name: 'a required app: one failing suite of several fails it, even while another runs',
      suites: [
        suite({ conclusion: 'timed_out' }),
        suite({ id: 101, status: 'in_progress', conclusion: null }),
      ],
      required: ['app:ci'],
      expected: { 'app:ci': 'failure' },
    },
    {
      name: 'a required app with no suite on the SHA is missing',
      required: ['app:ci'],
      expected: { 'app:ci': 'missing' },
    },
    {
      name: 'nothing required: a queued suite without runs keeps the gate waiting',
      suites: [suite({ status: 'queued', conclusion: null })],
      expected: { 'app:ci': 'pending' },
    },
    {
      name: 'nothing required: passed runs and passed suites',
      runs: [run({ name: 'build' })],
      suites: [suite(), suite({ id: 101, app: OTHER, conclusion: 'neutral' })],
      expected: { build: 'success' },
    },
    {
      name: 'nothing required: KO’s own suite (queued forever on every push) is left out by app id',
      suites: [koSuite],
      ownAppIds: [KO],
      expected: {},
    },
    {
      name: 'nothing required: KO’s suite is recognised by its ko/gate run when the app id is unknown',
      runs: [
        run({
          name: 'ko/gate',
          status: 'in_progress',
          conclusion: null,
          app: { id: KO },
          check_suite: { id: 900 },
        }),
      ],
      suites: [{ ...koSuite, status: 'in_progress' }],
      expected: {},
    },
  ];
  it.each(cases)(
    '$name',
    ({ runs = [], suites = [], statuses = [], required = [], ownAppIds = [], expected }) => {
      const result = judgeChecks({ runs, suites, statuses, required, ownAppIds });
      expect(Object.fromEntries(result.map((c) => [c.name, c.state]))).toEqual(expected);
    },
  );
});
