import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { publicKeyOf } from './auth.ts';
import { CiSimulator } from './ci-simulator.ts';
import type { SandboxContext } from './context.ts';
import { SandboxControls } from './controls.ts';
import { FaultInjector } from './fault-injector.ts';
import { createHttpControls } from './http-controls.ts';
import { Router } from './router.ts';
import type { RequestContext } from './context.ts';
import { addAppRoutes } from './routes/app.ts';
import { addCheckRoutes } from './routes/checks.ts';
import { addDeliveryRoutes } from './routes/deliveries.ts';
import { addGitRoutes } from './routes/git.ts';
import { addGraphqlRoutes } from './routes/graphql.ts';
import { addIssueRoutes } from './routes/issues.ts';
import { addPullRoutes } from './routes/pulls.ts';
import { addRepoRoutes } from './routes/repos.ts';
import { createRequestHandler } from './server.ts';
import { loadSnapshot, saveSnapshot } from './snapshot.ts';
import { createState, type SandboxState } from './state.ts';
import { WebhookSender } from './webhook-sender.ts';

export interface GitHubSandboxOptions {
  /** port to listen on; 0 (default) lets the OS choose */
  port?: number;
  /** interface to bind; default 127.0.0.1 */
  host?: string;
  /** where webhooks go; can be set later with `setWebhookTarget` */
  webhookUrl?: string;
  /** HMAC secret for X-Hub-Signature-256; default `sandbox-webhook-secret` */
  webhookSecret?: string;
  /** the GitHub App id; default 1 */
  appId?: number;
  appSlug?: string;
  /** the webhook events the app subscribes to; default KO's app.yml list (push included) */
  appEvents?: string[];
  /** the app's private key (PEM); generated when absent (read it from `privateKeyPem`) */
  privateKeyPem?: string;
  /** load state from this file at start (if it exists) and save it there on `stop()` */
  snapshotFile?: string;
  log?: Logger;
}

/** Every route the stand-in answers, in one router. */
function buildRouter(): Router<RequestContext> {
  const router = new Router<RequestContext>();
  addAppRoutes(router);
  addDeliveryRoutes(router);
  addRepoRoutes(router);
  addGitRoutes(router);
  addPullRoutes(router);
  addIssueRoutes(router);
  addCheckRoutes(router);
  addGraphqlRoutes(router);
  return router;
}

/** A running stand-in: its URLs, its app credentials, the control API, and `stop()`. */
export class GitHubSandbox extends SandboxControls {
  constructor(
    deps: ConstructorParameters<typeof SandboxControls>[0],
    private readonly server: Server,
    private readonly ci: CiSimulator,
    private readonly options: GitHubSandboxOptions,
    readonly privateKeyPem: string,
    readonly webhookSecret: string,
  ) {
    super(deps);
  }

  /** `http://127.0.0.1:<port>`; set `GHE_HOST=127.0.0.1:<port>` and `GHE_PROTOCOL=http` for Probot */
  get url(): string {
    return this.deps.sb.webUrl;
  }

  /** Octokit's `baseUrl` */
  get apiUrl(): string {
    return this.deps.sb.apiUrl;
  }

  get graphqlUrl(): string {
    return `${this.deps.sb.webUrl}/api/graphql`;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get appId(): number {
    return this.deps.sb.state.app.id;
  }

  get state(): SandboxState {
    return this.deps.sb.state;
  }

  /** The id of the installation on `owner` (seed a repository there first). */
  installationId(owner: string): number {
    const inst = Object.values(this.state.installations).find(
      (i) => i.account.toLowerCase() === owner.toLowerCase(),
    );
    if (!inst) throw new Error(`no installation on ${owner}: seed a repository there first`);
    return inst.id;
  }

  setWebhookTarget(url: string | undefined, secret?: string): void {
    this.deps.sender.setTarget(url, secret);
  }

  /** Resolves when the CI has nothing pending and every queued webhook has been attempted. */
  async idle(): Promise<void> {
    await this.ci.idle();
    await this.deps.sender.idle();
  }

  async saveSnapshot(file = this.options.snapshotFile): Promise<void> {
    if (!file) throw new Error('saveSnapshot needs a file (or start with snapshotFile)');
    await saveSnapshot(file, this.state);
  }

  /** Stops timers and the server (after queued deliveries), saving the snapshot when configured. */
  async stop(): Promise<void> {
    this.ci.stop();
    this.deps.faults.clear();
    await this.deps.sender.idle();
    if (this.options.snapshotFile) await this.saveSnapshot();
    await new Promise<void>((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }
}

/**
 * Starts the GitHub stand-in on a local port. Point Probot at it like a GitHub Enterprise Server.
 *
 * @example
 * const sandbox = await startGitHubSandbox({ appId: 1, webhookUrl: 'http://127.0.0.1:3000/api/github/webhooks' });
 * sandbox.seedRepo({ repo: 'acme/app' });
 * // GHE_HOST=127.0.0.1:<sandbox.port> GHE_PROTOCOL=http APP_ID=1 PRIVATE_KEY=<sandbox.privateKeyPem>
 * await sandbox.stop();
 */
export async function startGitHubSandbox(
  options: GitHubSandboxOptions = {},
): Promise<GitHubSandbox> {
  const appId = options.appId ?? 1;
  const privateKeyPem =
    options.privateKeyPem ??
    generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs1', format: 'pem' })
      .toString();
  const loaded = options.snapshotFile ? await loadSnapshot(options.snapshotFile) : undefined;
  const state = loaded ?? createState({ appId, appSlug: options.appSlug });
  // An explicit appId wins over the snapshot's, so JWTs are checked against what the caller configured.
  if (loaded && options.appId !== undefined) state.app.id = options.appId;
  if (options.appEvents) state.app.events = [...options.appEvents];
  const faults = new FaultInjector();
  const webhookSecret = options.webhookSecret ?? 'sandbox-webhook-secret';
  const sender = new WebhookSender(
    state,
    { url: options.webhookUrl, secret: webhookSecret },
    faults,
    options.log,
  );
  const ci = new CiSimulator();
  const sb: SandboxContext = {
    state,
    webUrl: '',
    apiUrl: '',
    now: () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    emit: (event) => sender.send(event.name, event.payload),
    onPullHeadChanged: (fullName, sha, branch) => {
      const repo = state.repos[fullName.toLowerCase()];
      if (repo) ci.start(sb, repo, sha, branch);
    },
    redeliver: (id) => sender.redeliver(id) !== undefined,
  };
  const server = createServer();
  const controls = new GitHubSandbox(
    { sb, faults, sender },
    server,
    ci,
    options,
    privateKeyPem,
    webhookSecret,
  );
  server.on(
    'request',
    createRequestHandler({
      sb,
      router: buildRouter(),
      faults,
      publicKey: publicKeyOf(privateKeyPem),
      controls: createHttpControls(controls),
      log: options.log,
    }),
  );
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  sb.webUrl = `http://${host}:${(server.address() as AddressInfo).port}`;
  sb.apiUrl = `${sb.webUrl}/api/v3`;
  return controls;
}
