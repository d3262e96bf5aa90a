// GitHub's published example payloads (@octokit/webhooks-examples), signed and posted to the real
// app for every event KO subscribes to: each must be read tolerantly and answered 2xx.
import { createHmac, randomUUID } from 'node:crypto';
import webhookExamples from '@octokit/webhooks-examples';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBSCRIBED_EVENTS } from '../../../src/github/register-handlers.ts';
import { SECRET, startStack, type Stack } from './github-fixture.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
});

interface ExampleSet {
  name: string;
  examples: Record<string, unknown>[];
}

const sets = (webhookExamples as unknown as ExampleSet[]).filter((set) =>
  (SUBSCRIBED_EVENTS as readonly string[]).includes(set.name),
);

describe('published example payloads', () => {
  it('cover every subscribed event', () => {
    expect(sets.map((s) => s.name).sort()).toEqual([...SUBSCRIBED_EVENTS].sort());
  });

  for (const set of sets) {
    it(`${set.name}: every example (${set.examples.length}) gets a 2xx`, async () => {
      const statuses: string[] = [];
      for (const example of set.examples) {
        const body = JSON.stringify(example);
        const response = await fetch(`http://127.0.0.1:${stack.app.port}/api/github/webhooks`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-github-event': set.name,
            'x-github-delivery': randomUUID(),
            'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
          },
          body,
        });
        statuses.push(`${String(example['action'])}:${response.status}`);
      }
      expect(statuses.filter((s) => !/:2\d\d$/.test(s))).toEqual([]);
    });
  }
});
