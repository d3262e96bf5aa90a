// Ack-first deliveries: KO answers a signed webhook once it is recorded and handles it from a queue
// afterwards; each X-GitHub-Delivery at most once (duplicates, redeliveries), lost ones come back
// through the redelivery poller, failures are retried when TRANSIENT and recorded, and comments
// on one PR are answered in the order they were written.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProbotOctokit } from 'probot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KoOctokitClass } from '../../../src/github/throttled-octokit.ts';
import {
  REPO,
  reactionsOf,
  repliesAfter,
  settled,
  startStack,
  until,
  type Stack,
} from './github-fixture.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    redeliveryIntervalMs: 3_600_000,
    deliveryRetry: { retries: 2, baseMs: 20 },
    // Octokit's own 5xx retries (1 s, 4 s, 9 s) off, so the stand-in's 502s reach KO's queue.
    Octokit: KoOctokitClass.defaults((options: Record<string, unknown>) => ({
      ...options,
      retry: { enabled: false },
    })),
  });
});

afterAll(async () => {
  await stack?.stop();
});

function auditText(): string {
  const dir = join(stack.dir, 'data', 'audit');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('');
}

/** The delivery GUID of the issue_comment webhook for comment `id`. */
async function guidOf(id: number): Promise<string> {
  const delivery = await stack.sandbox.waitForDelivery(
    (d) => d.event === 'issue_comment' && d.body.includes(`"id":${id},`),
  );
  return delivery.guid;
}

const reactionsPath = (id: number) =>
  new RegExp(`^POST /repos/acme/app/issues/comments/${id}/reactions$`);

describe('ack-first deliveries', () => {
  it('answers GitHub before the handler writes anything', async () => {
    const id = stack.sandbox.as('bob').comment(REPO, 1, '/ko help');
    // KO's first write (the eyes reaction) waits out a 2 s secondary rate limit.
    stack.sandbox.secondaryRateLimit(1, { retryAfterSeconds: 2, match: reactionsPath(id) });
    const delivery = await stack.sandbox.waitForDelivery(
      (d) => d.event === 'issue_comment' && d.body.includes(`"id":${id},`),
    );
    // The answer is in, and nothing the handler writes exists yet.
    expect(delivery.statusCode).toBe(200);
    expect(delivery.duration).toBeLessThan(2);
    expect(reactionsOf(stack, id)).toEqual([]);
    expect(repliesAfter(stack, id)).toHaveLength(0);
    const record = await stack.app.github!.ledger.get(delivery.guid);
    expect(['received', 'running']).toContain(record?.state);

    expect(await stack.app.deliveries!.settled(delivery.guid)).toMatchObject({ state: 'done' });
    expect(reactionsOf(stack, id)).toEqual(['eyes', 'rocket']);
    expect(repliesAfter(stack, id)).toHaveLength(1);
    expect(await stack.app.github!.ledger.get(delivery.guid)).toMatchObject({ state: 'done' });
  });

  it('a duplicate delivery is processed once', async () => {
    stack.sandbox.duplicateDeliveries(1);
    const id = stack.sandbox.as('bob').comment(REPO, 1, '/ko help status');
    await settled(stack);
    const guid = await guidOf(id);
    const copies = stack.sandbox.deliveries().filter((d) => d.guid === guid);
    expect(copies.map((d) => d.statusCode)).toEqual([200, 200]);
    expect(repliesAfter(stack, id)).toHaveLength(1);
    expect(reactionsOf(stack, id)).toEqual(['eyes', 'rocket']);
    expect(
      stack.logs.some((l) => l.includes('delivery already processed: skipped') && l.includes(guid)),
    ).toBe(true);
  });

  it('a lost delivery is redelivered by the poller, with the same id, and answered once', async () => {
    stack.sandbox.dropDeliveries(1);
    const id = stack.sandbox.as('bob').comment(REPO, 1, '/ko help plan');
    await settled(stack);
    expect(repliesAfter(stack, id)).toHaveLength(0);
    const lost = stack.sandbox.deliveries().find((d) => d.statusCode === 0);
    expect(lost).toBeDefined();
    const pass = await stack.app.redelivery!.runOnce();
    expect(pass.requested).toContain(lost?.guid);
    await settled(stack);
    expect(repliesAfter(stack, id)).toHaveLength(1);
    expect(repliesAfter(stack, id)[0]?.body).toContain('/ko plan');
    expect(auditText()).toContain(`delivery ${lost?.guid}`);
    // A second pass finds nothing left to redelivery: the redelivery was answered 200.
    expect((await stack.app.redelivery!.runOnce()).requested).toEqual([]);
  });

  it('a TRANSIENT handler failure is retried from the recorded payload', async () => {
    const id = stack.sandbox.as('bob').comment(REPO, 1, '/ko help merge');
    stack.sandbox.serverErrors(2, { status: 502, match: reactionsPath(id) });
    const outcome = await stack.app.deliveries!.settled(await guidOf(id));
    expect(outcome).toMatchObject({ state: 'done', attempts: 3 });
    expect(reactionsOf(stack, id)).toEqual(['eyes', 'rocket']);
    expect(repliesAfter(stack, id)).toHaveLength(1);
  });

  it('a handler that keeps failing is recorded failed and audited, though GitHub got a 200', async () => {
    const id = stack.sandbox.as('bob').comment(REPO, 1, '/ko help abort');
    stack.sandbox.serverErrors(3, { status: 502, match: reactionsPath(id) });
    const guid = await guidOf(id);
    const outcome = await stack.app.deliveries!.settled(guid);
    expect(outcome).toMatchObject({ state: 'failed', attempts: 3 });
    expect(await stack.app.github!.ledger.get(guid)).toMatchObject({
      state: 'failed',
      attempts: 3,
      error: { code: 'HTTP_502', retryable: true },
    });
    expect(stack.sandbox.deliveries().find((d) => d.guid === guid)?.statusCode).toBe(200);
    expect(repliesAfter(stack, id)).toHaveLength(0);
    expect(auditText()).toContain(`"action":"delivery.failed"`);
    expect(auditText()).toContain(`issue_comment delivery ${guid}`);
    expect(stack.logs.some((l) => l.includes('delivery failed') && l.includes(guid))).toBe(true);
  });

  it('a redelivery (by hand) of a TRANSIENT failure is handled again; of a handled one, skipped', async () => {
    const id = stack.sandbox.as('bob').comment(REPO, 1, '/ko help approve');
    stack.sandbox.serverErrors(3, { status: 502, match: reactionsPath(id) });
    const guid = await guidOf(id);
    expect(await stack.app.deliveries!.settled(guid)).toMatchObject({ state: 'failed' });
    const app = new ProbotOctokit({
      auth: { appId: stack.sandbox.appId, privateKey: stack.sandbox.privateKeyPem },
      baseUrl: stack.sandbox.apiUrl,
    });
    const redeliver = async (copies: number): Promise<void> => {
      const first = stack.sandbox.deliveries().find((d) => d.guid === guid);
      await app.request('POST /app/hook/deliveries/{delivery_id}/attempts', {
        delivery_id: first?.id ?? 0,
      });
      await until(
        () => stack.sandbox.deliveries().filter((d) => d.guid === guid).length === copies,
      );
    };
    await redeliver(2);
    expect(await stack.app.deliveries!.settled(guid)).toMatchObject({ state: 'done' });
    expect(repliesAfter(stack, id)).toHaveLength(1);
    expect(await stack.app.github!.ledger.get(guid)).toMatchObject({ state: 'done', attempts: 4 });
    await redeliver(3);
    await settled(stack);
    expect(repliesAfter(stack, id)).toHaveLength(1);
    expect(reactionsOf(stack, id)).toEqual(['eyes', 'rocket']);
  });

  it('comments on one PR are answered in the order they were written', async () => {
    const first = stack.sandbox.as('bob').comment(REPO, 1, '/ko help cancel');
    // The first one is held up by a rate limit on its eyes reaction; the second must wait for it.
    stack.sandbox.secondaryRateLimit(1, { retryAfterSeconds: 1, match: reactionsPath(first) });
    const second = stack.sandbox.as('bob').comment(REPO, 1, '/ko help retry');
    await until(() => repliesAfter(stack, second).length > 0);
    await settled(stack);
    const replyTo = (id: number, text: string) =>
      repliesAfter(stack, id).find((c) => c.body.includes(text))?.id ?? Number.NaN;
    expect(replyTo(first, '/ko cancel')).toBeLessThan(replyTo(second, '/ko retry'));
  });
});
