// Ordering keys: everything about one PR shares a key; checks without a PR share their head SHA.
import { describe, expect, it } from 'vitest';
import { deliveryKey } from '../../../src/github/delivery-key.ts';

const repository = { name: 'App', owner: { login: 'Acme' } };

describe('deliveryKey', () => {
  const cases: { name: string; event: string; payload: unknown; expected: string }[] = [
    {
      name: 'a comment on a PR',
      event: 'issue_comment',
      payload: { repository, issue: { number: 7, pull_request: { url: 'u' } } },
      expected: 'acme/app#7',
    },
    {
      name: 'a pull_request event',
      event: 'pull_request',
      payload: { repository, number: 7, pull_request: { number: 7 } },
      expected: 'acme/app#7',
    },
    {
      name: 'a pull_request event with only the top-level number',
      event: 'pull_request',
      payload: { repository, number: 8 },
      expected: 'acme/app#8',
    },
    {
      name: 'a gate button on a PR check run',
      event: 'check_run',
      payload: { repository, check_run: { head_sha: 'ABC', pull_requests: [{ number: 7 }] } },
      expected: 'acme/app#7',
    },
    {
      name: 'a check suite that names its PR',
      event: 'check_suite',
      payload: { repository, check_suite: { head_sha: 'abc', pull_requests: [{ number: 9 }] } },
      expected: 'acme/app#9',
    },
    {
      name: 'a check run without a PR: its head SHA',
      event: 'check_run',
      payload: { repository, check_run: { head_sha: 'ABC', pull_requests: [] } },
      expected: 'acme/app@abc',
    },
    {
      name: 'an installation event',
      event: 'installation',
      payload: { installation: { id: 42 } },
      expected: 'installation:42',
    },
    {
      name: 'installation_repositories',
      event: 'installation_repositories',
      payload: { installation: { id: 42 } },
      expected: 'installation:42',
    },
    {
      name: 'anything else: its own key',
      event: 'issue_comment',
      payload: { zen: 'no repository' },
      expected: 'delivery:d-1',
    },
    {
      name: 'a number outside a PR event does not make a PR key',
      event: 'check_suite',
      payload: { repository, number: 3 },
      expected: 'delivery:d-1',
    },
  ];
  for (const { name, event, payload, expected } of cases) {
    it(name, () => expect(deliveryKey(event, payload, 'd-1')).toBe(expected));
  }
});
