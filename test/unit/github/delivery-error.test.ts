// Which handler failures are retried, and what the ledger keeps about one.
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  LogicError,
  PreconditionError,
  TransientError,
} from '../../../contracts/errors.ts';
import { describeFailure, isTransientFailure } from '../../../src/github/delivery-error.ts';

const http = (status: number): Error => Object.assign(new Error(`HTTP ${status}`), { status });

describe('isTransientFailure', () => {
  const cases: { name: string; input: unknown; expected: boolean }[] = [
    {
      name: 'TransientError',
      input: new TransientError('GITHUB_UNAVAILABLE', 'x'),
      expected: true,
    },
    { name: 'LogicError', input: new LogicError('BUG', 'x'), expected: false },
    { name: 'PreconditionError', input: new PreconditionError('NO', 'x'), expected: false },
    { name: 'ConflictError', input: new ConflictError('SHA_MOVED', 'x'), expected: false },
    { name: 'Octokit 502', input: http(502), expected: true },
    { name: 'Octokit 429', input: http(429), expected: true },
    { name: 'Octokit 404', input: http(404), expected: false },
    { name: 'Octokit 403', input: http(403), expected: false },
    { name: 'a plain Error', input: new Error('x'), expected: false },
    { name: 'a string', input: 'x', expected: false },
    {
      name: 'all transient in an AggregateError',
      input: new AggregateError([http(503), new TransientError('T', 'x')]),
      expected: true,
    },
    {
      name: 'one lasting failure in an AggregateError',
      input: new AggregateError([http(503), new LogicError('BUG', 'x')]),
      expected: false,
    },
    { name: 'an empty AggregateError', input: new AggregateError([]), expected: false },
  ];
  for (const { name, input, expected } of cases) {
    it(name, () => expect(isTransientFailure(input)).toBe(expected));
  }
});

describe('describeFailure', () => {
  it('names the code of a KoError, the status of an HTTP error, else UNEXPECTED', () => {
    expect(describeFailure(new LogicError('BUG', 'broken'))).toEqual({
      code: 'BUG',
      message: 'broken',
      retryable: false,
    });
    expect(describeFailure(http(502))).toEqual({
      code: 'HTTP_502',
      message: 'HTTP 502',
      retryable: true,
    });
    expect(describeFailure('odd')).toEqual({
      code: 'UNEXPECTED',
      message: 'odd',
      retryable: false,
    });
  });

  it('summarizes several failures by the first, and caps the message', () => {
    const several = describeFailure(new AggregateError([http(500), new Error('y'.repeat(900))]));
    expect(several).toMatchObject({ code: 'HTTP_500', retryable: false });
    expect(several.message).toBe('2 listeners failed; first: HTTP 500');
    expect(describeFailure(new Error('z'.repeat(900))).message).toHaveLength(500);
  });
});
