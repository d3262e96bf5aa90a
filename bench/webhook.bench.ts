// Webhook-in to handler-done for `/ko status` on the real KO app (against the GitHub stand-in),
// against a bare Probot app with a no-op handler, on the same signed payloads. Probot answers a
// webhook only after its handlers settle, so the HTTP round trip is "in to done".
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

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** Posts `body` signed, with a fresh delivery id (KO skips a delivery id it has seen). */
async function post(url: string, body: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'issue_comment',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    },
    body,
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
  return performance.now() - started;
}

async function measure(url: string, body: string): Promise<number[]> {
  for (let i = 0; i < WARMUP; i += 1) await post(url, body);
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i += 1) times.push(await post(url, body));
  return times;
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
        // Octokit's throttling paces writes (one comment per 3 s, GitHub's advice); the unpaced
        // app shows KO's own cost.
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

    const baseline = await measure(bareUrl, body);
    const ko = await measure(koUrl, body);
    const fast = await measure(`http://127.0.0.1:${unpaced.port}/api/github/webhooks`, body);
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    const figures = (label: string, times: number[], note: string) =>
      [50, 95].map((p) => ({
        name: `webhook: /ko status in to done${label}, p${p}`,
        baseline: 'bare Probot app, no-op handler',
        ratio: percentile(times, p) / percentile(baseline, p),
        detail: `${ms(percentile(times, p))} vs ${ms(percentile(baseline, p))} (${SAMPLES} signed deliveries each; ${note})`,
      }));
    return [
      ...figures('', ko, 'KO as shipped: Octokit throttling paces the reply comment'),
      ...figures(
        ' (writes unpaced)',
        fast,
        'throttling off: ledger write, config, permission, PR, checks, 2 reactions, reply',
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
