// `/ko status` on the real KO app (against the GitHub stand-in) against a bare Probot app with a
// no-op handler, on the same signed payloads. KO answers once the delivery is recorded and handles
// it from its queue afterwards (ADR 0006), so two figures: webhook-in → HTTP answer, and
// webhook-in → handler done (the queue's `settled(id)`). The bare app answers only after its
// handler settles, so its HTTP round trip is both "in to answer" and "in to done".
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createNodeMiddleware, createProbot } from 'probot';
import { readEnvOptions } from '../src/config/read-env-options.ts';
import { startGitHubSandbox } from '../src/sandbox/index.ts';
import { KoOctokitClass } from '../src/github/throttled-octokit.ts';
import { startApp, type StartedApp } from '../src/start-app.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { percentile, printResults, type BenchResult } from './bench-result.ts';

const SECRET = 'bench-webhook-secret';
const WARMUP = 3;
const SAMPLES = 40;
/** Octokit's throttling spaces comments 3 s apart: fewer samples where it is on. */
const PACED_SAMPLES = 15;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** Posts `body` signed with delivery id `id` and returns when the answer is in. */
async function post(url: string, body: string, id: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'issue_comment',
      'x-github-delivery': id,
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    },
    body,
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
}

interface Timings {
  answer: number[];
  done: number[];
}

/**
 * One delivery at a time (fresh ids: KO skips an id it has seen): the time to the HTTP answer,
 * and to the handler's end (`done`: the answer for the bare app, the queue's settle for KO).
 */
async function measure(
  url: string,
  body: string,
  samples: number,
  app?: StartedApp,
): Promise<Timings> {
  const timings: Timings = { answer: [], done: [] };
  for (let i = 0; i < WARMUP + samples; i += 1) {
    const id = randomUUID();
    const settled = app?.deliveries?.settled(id);
    const started = performance.now();
    await post(url, body, id);
    const answered = performance.now();
    const outcome = await settled;
    if (outcome && outcome.state !== 'done') throw new Error(`delivery ${id} ${outcome.state}`);
    if (i < WARMUP) continue;
    timings.answer.push(answered - started);
    timings.done.push(performance.now() - started);
  }
  return timings;
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ko-bench-webhook-'));
  const sandbox = await startGitHubSandbox({ appId: 9, webhookSecret: SECRET });
  const env = {
    APP_ID: String(sandbox.appId),
    PRIVATE_KEY: sandbox.privateKeyPem,
    WEBHOOK_SECRET: SECRET,
    GHE_HOST: `127.0.0.1:${sandbox.port}`,
    GHE_PROTOCOL: 'http',
  };
  const start = async (name: string, unpaced: boolean): Promise<StartedApp> =>
    startApp(
      readEnvOptions(
        { ...env, PORT: String(await freePort()), HOST: '127.0.0.1', KO_DATA_DIR: join(dir, name) },
        dir,
      ),
      {
        logger: createLogger({ service: 'ko-app', level: 'silent' }),
        // Octokit's throttling paces writes (1 s apart, comments 3 s apart: GitHub's advice); the
        // unpaced app (stand-in only) shows KO's own cost.
        ...(unpaced
          ? {
              Octokit: KoOctokitClass.defaults((options: Record<string, unknown>) => ({
                ...options,
                throttle: { ...(options['throttle'] as object), enabled: false },
              })),
            }
          : {}),
      },
    );
  const app = await start('paced', false);
  const unpaced = await start('unpaced', true);
  let bare: Server | undefined;
  try {
    // A real /ko status comment as the stand-in delivers it; then webhooks stop flowing on their own.
    sandbox.setWebhookTarget(`http://127.0.0.1:${app.port}/api/github/webhooks`);
    sandbox.seedRepo({ repo: 'bench/app', files: { 'README.md': 'bench\n' } });
    sandbox.setPermission('bench/app', 'bob', 'write');
    sandbox
      .as('bob')
      .openPullRequest('bench/app', { head: 'b', title: 'B', files: { 'b.txt': 'b\n' } });
    sandbox.as('bob').comment('bench/app', 1, '/ko status');
    await sandbox.idle();
    sandbox.setWebhookTarget(undefined);
    const delivery = sandbox.deliveries().find((d) => d.event === 'issue_comment');
    if (!delivery) throw new Error('the stand-in sent no issue_comment webhook');
    const body = delivery.body;

    const probot = createProbot({ env: { ...env, LOG_LEVEL: 'silent' } });
    const middleware = await createNodeMiddleware(
      (noop) => {
        noop.on('issue_comment.created', async () => undefined);
      },
      { probot },
    );
    bare = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
    await new Promise<void>((r) => bare?.listen(0, '127.0.0.1', () => r()));
    const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/api/github/webhooks`;
    const koUrl = `http://127.0.0.1:${app.port}/api/github/webhooks`;

    const baseline = (await measure(bareUrl, body, SAMPLES)).done;
    const ko = await measure(koUrl, body, PACED_SAMPLES, app);
    const fast = await measure(
      `http://127.0.0.1:${unpaced.port}/api/github/webhooks`,
      body,
      SAMPLES,
      unpaced,
    );
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    const figures = (label: string, times: number[], note: string) =>
      [50, 95].map((p) => ({
        name: `webhook: /ko status ${label}, p${p}`,
        baseline: 'bare Probot app, no-op handler (in to answer = in to done)',
        ratio: percentile(times, p) / percentile(baseline, p),
        detail: `${ms(percentile(times, p))} vs ${ms(percentile(baseline, p))} (${times.length} vs ${baseline.length} signed deliveries; ${note})`,
      }));
    return [
      ...figures('in to HTTP answer', ko.answer, 'KO records the delivery, queues it, answers'),
      ...figures(
        'in to handler done',
        ko.done,
        'KO as shipped: Octokit throttling paces the reactions and the reply comment',
      ),
      ...figures(
        'in to handler done (writes unpaced)',
        fast.done,
        'throttling off: record, queue, answer, start, config, permission, PR, checks, 2 reactions, reply, done',
      ),
    ];
  } finally {
    await new Promise((r) => (bare ? bare.close(r) : r(undefined)));
    await app.stop(1_000);
    await unpaced.stop(1_000);
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printResults(await run());
  process.exit(0);
}
