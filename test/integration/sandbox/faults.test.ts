import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubSandbox, type GitHubSandbox } from '../../../src/sandbox/index.ts';
import { appOctokit, installationOctokit, startReceiver, type HookReceiver } from './helpers.ts';
import { OpenApiValidator } from './openapi-validator.ts';

const SECRET = 'faults-secret';
const REPO = { owner: 'acme', repo: 'faults' };
const REPO_GET = /^GET \/repos\/acme\/faults$/;

describe('faults the stand-in plays: rate limits, 5xx storms, lost and duplicate webhooks', () => {
  let sandbox: GitHubSandbox;
  let receiver: HookReceiver;
  let token: string;
  const calls = { rateLimit: 0, secondary: 0 };

  const octokit = (): ReturnType<typeof installationOctokit> =>
    installationOctokit(sandbox, 'acme', {
      retry: { retryAfterBaseValue: 10 },
      throttle: {
        onRateLimit: () => (calls.rateLimit++, true),
        onSecondaryRateLimit: () => (calls.secondary++, true),
      },
    });

  const rawGet = (path: string): Promise<Response> =>
    fetch(`${sandbox.apiUrl}${path}`, { headers: { authorization: `token ${token}` } });

  beforeAll(async () => {
    receiver = await startReceiver(SECRET);
    sandbox = await startGitHubSandbox({
      appId: 7,
      webhookUrl: receiver.url,
      webhookSecret: SECRET,
    });
    sandbox.seedRepo({ repo: 'acme/faults', files: { 'README.md': 'x\n' } });
    sandbox
      .as('alice')
      .openPullRequest('acme/faults', { head: 'topic', title: 'Topic', files: { 'a.txt': 'a\n' } });
    token = ((await octokit().auth({ type: 'installation' })) as { token: string }).token;
  });

  afterAll(async () => {
    await sandbox?.stop();
    await receiver?.close();
  });

  it('answers a primary rate limit with 403, x-ratelimit-remaining 0 and a reset; Probot’s Octokit waits and retries', async () => {
    const ok = await rawGet('/repos/acme/faults');
    expect(ok.status).toBe(200);
    expect(Number(ok.headers.get('x-ratelimit-remaining'))).toBeLessThan(5000);
    expect(ok.headers.get('x-github-request-id')).toMatch(/^[0-9A-F]+:[0-9A-F]+:[0-9A-F]+$/);

    sandbox.rateLimit(1, { resetInSeconds: 1, match: REPO_GET });
    const limited = await rawGet('/repos/acme/faults');
    expect(limited.status).toBe(403);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(
      Math.floor(Date.now() / 1000),
    );
    expect(((await limited.json()) as { message: string }).message).toMatch(
      /API rate limit exceeded/,
    );

    sandbox.rateLimit(1, { resetInSeconds: 1, match: REPO_GET });
    const { data } = await octokit().rest.repos.get(REPO);
    expect(data.full_name).toBe('acme/faults');
    expect(calls.rateLimit).toBe(1);
  });

  it('answers a secondary rate limit with 429 and retry-after; the Octokit backs off once', async () => {
    sandbox.secondaryRateLimit(1, { retryAfterSeconds: 1, match: REPO_GET });
    const limited = await rawGet('/repos/acme/faults');
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '1']);
    sandbox.secondaryRateLimit(1, { retryAfterSeconds: 1, match: REPO_GET });
    await octokit().rest.repos.get(REPO);
    expect(calls.secondary).toBe(1);
  });

  it('plays a 5xx storm: the next N requests fail, then the API answers again', async () => {
    sandbox.serverErrors(2, { status: 503, match: REPO_GET });
    expect((await rawGet('/repos/acme/faults')).status).toBe(503);
    expect((await rawGet('/repos/acme/faults')).status).toBe(503);
    expect((await rawGet('/repos/acme/faults')).status).toBe(200);

    sandbox.serverErrors(3, { status: 502, match: REPO_GET });
    await expect(octokit().rest.repos.get(REPO)).resolves.toMatchObject({ status: 200 });
    sandbox.serverErrors(5, { status: 502, match: REPO_GET });
    await expect(octokit().rest.repos.get(REPO)).rejects.toMatchObject({ status: 502 });
    expect(sandbox.faultsPending().requests).toBe(1);
  });

  it('loses a webhook but records it as failed; redelivery sends the same GUID and body', async () => {
    await sandbox.idle();
    const before = receiver.received.length;
    sandbox.dropDeliveries(1);
    sandbox.as('alice').comment('acme/faults', 1, '/ko status');
    await sandbox.idle();
    expect(receiver.received.length).toBe(before);

    const app = appOctokit(sandbox);
    const { data: list } = await app.rest.apps.listWebhookDeliveries({ per_page: 100 });
    const lost = list.find((d) => d.event === 'issue_comment');
    expect(lost).toMatchObject({ status_code: 0, redelivery: false, action: 'created' });
    const { status } = await app.rest.apps.redeliverWebhookDelivery({ delivery_id: lost?.id ?? 0 });
    expect(status).toBe(202);
    const got = await receiver.waitFor((h) => h.event === 'issue_comment');
    expect(got.delivery).toBe(lost?.guid);
    expect(got.signatureValid).toBe(true);
    await sandbox.idle();

    const { data: after } = await app.rest.apps.listWebhookDeliveries({ per_page: 100 });
    const again = after.filter((d) => d.guid === lost?.guid);
    expect(again.map((d) => [d.redelivery, d.status_code])).toEqual([
      [true, 200],
      [false, 0],
    ]);
    const { data: full } = await app.rest.apps.getWebhookDelivery({
      delivery_id: again[0]?.id ?? 0,
    });
    expect(full.request.headers?.['x-github-delivery']).toBe(lost?.guid);

    const validator = new OpenApiValidator();
    expect([
      ...validator.check('GET', '/app/hook/deliveries', 200, after),
      ...validator.check('GET', '/app/hook/deliveries/{delivery_id}', 200, full),
    ]).toEqual([]);
  });

  it('records a delivery the receiver refused (HTTP 500) as failed', async () => {
    receiver.status = 500;
    sandbox.as('alice').addLabel('acme/faults', 1, 'ko:merge');
    await sandbox.idle();
    receiver.status = 200;
    const refused = sandbox
      .deliveries()
      .filter((d) => d.event === 'pull_request' && d.action === 'labeled');
    expect(refused.map((d) => [d.statusCode, d.status])).toEqual([
      [500, 'Invalid HTTP Response: 500'],
    ]);
  });

  it('sends a duplicate delivery with the same X-GitHub-Delivery', async () => {
    sandbox.duplicateDeliveries(1);
    sandbox.as('alice').editComment('acme/faults', firstCommentId(sandbox), '/ko help');
    await sandbox.idle();
    const edited = receiver.received.filter(
      (h) => h.event === 'issue_comment' && h.payload.action === 'edited',
    );
    expect(edited).toHaveLength(2);
    expect(edited[0]?.delivery).toBe(edited[1]?.delivery);
  });

  it('pages deliveries with a cursor in the Link header', async () => {
    const app = appOctokit(sandbox);
    const first = await app.rest.apps.listWebhookDeliveries({ per_page: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.headers.link).toMatch(/cursor=\d+.*rel="next"/);
    const all = await app.paginate(app.rest.apps.listWebhookDeliveries, { per_page: 2 });
    expect(all.length).toBe(sandbox.deliveries().length);
  });
});

function firstCommentId(sandbox: GitHubSandbox): number {
  const repo = sandbox.state.repos['acme/faults'];
  return Number(Object.keys(repo?.comments ?? {})[0]);
}
