// X-GitHub-Delivery at most once: duplicates and redeliveries are skipped, lost ones come back
// through the redelivery poller (GET /app/hook/deliveries, POST …/attempts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, repliesAfter, startStack, until, type Stack } from './github-fixture.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ redeliveryIntervalMs: 3_600_000 });
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

describe('deliveries', () => {
  it('a duplicate delivery is processed once', async () => {
    stack.sandbox.duplicateDeliveries(1);
    const id = stack.sandbox.as('bob').comment(REPO, 1, '/ko help status');
    await until(() => repliesAfter(stack, id).length > 0);
    await stack.sandbox.idle();
    const guid = stack.sandbox
      .deliveries()
      .find((d) => d.event === 'issue_comment' && d.body.includes(`"id":${id},`))?.guid;
    expect(stack.sandbox.deliveries().filter((d) => d.guid === guid)).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(repliesAfter(stack, id)).toHaveLength(1);
    expect(
      stack.logs.some(
        (l) => l.includes('delivery already processed: skipped') && l.includes(guid ?? 'none'),
      ),
    ).toBe(true);
  });

  it('a lost delivery is redelivered by the poller, with the same id, and answered once', async () => {
    stack.sandbox.dropDeliveries(1);
    const id = stack.sandbox.as('bob').comment(REPO, 1, '/ko help plan');
    await stack.sandbox.idle();
    expect(repliesAfter(stack, id)).toHaveLength(0);
    const lost = stack.sandbox.deliveries().find((d) => d.statusCode === 0);
    expect(lost).toBeDefined();
    const pass = await stack.app.redelivery!.runOnce();
    expect(pass.requested).toContain(lost?.guid);
    await until(() => repliesAfter(stack, id).length > 0);
    await stack.sandbox.idle();
    expect(repliesAfter(stack, id)).toHaveLength(1);
    expect(repliesAfter(stack, id)[0]?.body).toContain('/ko plan');
    expect(auditText()).toContain(`delivery ${lost?.guid}`);
    // A second pass finds nothing left to redeliver.
    expect((await stack.app.redelivery!.runOnce()).requested).toEqual([]);
  });
});
