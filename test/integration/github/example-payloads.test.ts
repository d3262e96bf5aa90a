// GitHub's published example payloads (@octokit/webhooks-examples), signed and posted to the real
// app for every event KO subscribes to: each must be answered 2xx and then handled without a
// failure (KO answers first, so the handlers' verdict is read from the delivery ledger).
import { createHmac, randomUUID } from 'node:crypto';
import webhookExamples from '@octokit/webhooks-examples';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHandledEvent, SUBSCRIBED_EVENTS } from '../../../src/github/delivery-listeners.ts';
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
    it(`${set.name}: every example (${set.examples.length}) gets a 2xx and is handled`, async () => {
      const statuses: string[] = [];
      const ids: string[] = [];
      for (const example of set.examples) {
        const body = JSON.stringify(example);
        const id = randomUUID();
        ids.push(id);
        const response = await fetch(`http://127.0.0.1:${stack.app.port}/api/github/webhooks`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-github-event': set.name,
            'x-github-delivery': id,
            'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
          },
          body,
        });
        statuses.push(`${String(example['action'])}:${response.status}`);
      }
      expect(statuses.filter((s) => !/:2\d\d$/.test(s))).toEqual([]);
      if (!isHandledEvent(set.name)) {
        // Subscribed for the payloads' labels elsewhere, but no handler: answered, not recorded.
        for (const id of ids) expect(await stack.app.github!.ledger.get(id)).toBeUndefined();
        return;
      }
      const outcomes = await Promise.all(ids.map((id) => stack.app.deliveries!.settled(id)));
      expect(outcomes.filter((o) => o.state !== 'done')).toEqual([]);
    });
  }
});
