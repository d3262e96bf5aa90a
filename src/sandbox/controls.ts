import { clickAction } from './actions/checks.ts';
import type { SandboxContext } from './context.ts';
import { signatureFor } from './events.ts';
import type { FaultInjector } from './fault-injector.ts';
import { buildTree, commitFiles, getBlob, writeBlob, writeCommit } from './git-objects.ts';
import { notFound } from './http-error.ts';
import { findPull, resolveRef } from './repo-query.ts';
import { installation } from './shapes/app.ts';
import { nodeId } from './shapes/node-id.ts';
import { pullRequest } from './shapes/pull.ts';
import { simpleUser } from './shapes/user.ts';
import type { CiConfig, DeliveryState, Permission, RepoState } from './state.ts';
import { ensureAccount, nextId } from './state.ts';
import { UserActions } from './user-actions.ts';
import type { WebhookSender } from './webhook-sender.ts';

export interface SeedRepoOptions {
  /** `owner/name` */
  repo: string;
  ownerType?: 'Organization' | 'User';
  defaultBranch?: string;
  private?: boolean;
  /** path → text content of the first commit */
  files?: Record<string, string>;
  permissions?: Record<string, Permission>;
  ci?: CiConfig;
  requiredChecks?: string[];
}

interface ControlDeps {
  sb: SandboxContext;
  faults: FaultInjector;
  sender: WebhookSender;
}

/**
 * What a test (or `ko demo`) does to the stand-in from outside the API: seed repositories, set
 * permissions, act as a person, play the CI, arm faults, watch deliveries.
 *
 * @example
 * sandbox.seedRepo({ repo: 'acme/app', files: { 'README.md': '# app\n' } });
 * const pr = sandbox.as('alice').openPullRequest('acme/app', { head: 'f', title: 'x', files: { 'a.txt': '1' } });
 */
export class SandboxControls {
  constructor(protected readonly deps: ControlDeps) {}

  protected repo(fullName: string): RepoState {
    const repo = this.deps.sb.state.repos[fullName.toLowerCase()];
    if (!repo) throw notFound();
    return repo;
  }

  /** Creates a repository with one commit on its default branch; installs the app on the owner (once). */
  seedRepo(options: SeedRepoOptions): RepoState {
    const { sb } = this.deps;
    const [owner, name] = options.repo.split('/');
    if (!owner || !name) throw new Error(`seedRepo wants "owner/name", got "${options.repo}"`);
    ensureAccount(sb.state, owner, options.ownerType ?? 'Organization');
    const now = sb.now();
    const repo: RepoState = {
      id: nextId(sb.state),
      name,
      owner,
      private: options.private ?? false,
      description: null,
      defaultBranch: options.defaultBranch ?? 'main',
      createdAt: now,
      updatedAt: now,
      pushedAt: now,
      refs: {},
      objects: {},
      permissions: { ...options.permissions },
      labels: {},
      issues: {},
      comments: {},
      checkSuites: {},
      checkRuns: {},
      statuses: [],
      nextNumber: 1,
      ci: options.ci ?? null,
      requiredChecks: options.requiredChecks ?? [],
    };
    for (const login of Object.keys(repo.permissions)) ensureAccount(sb.state, login);
    sb.state.repos[options.repo.toLowerCase()] = repo;
    const files = new Map(
      Object.entries(options.files ?? { 'README.md': `# ${name}\n` }).map(([p, text]) => [
        p,
        { mode: '100644', sha: writeBlob(repo, Buffer.from(text)).sha },
      ]),
    );
    const commit = writeCommit(repo, {
      tree: buildTree(repo, files),
      parents: [],
      message: 'Initial commit',
      author: signatureFor(sb, owner),
    });
    repo.refs[`refs/heads/${repo.defaultBranch}`] = commit.sha;
    this.install(owner, repo);
    return repo;
  }

  private install(owner: string, repo: RepoState): void {
    const { sb } = this.deps;
    if (
      Object.values(sb.state.installations).some(
        (i) => i.account.toLowerCase() === owner.toLowerCase(),
      )
    )
      return;
    const inst = { id: nextId(sb.state), account: owner, createdAt: sb.now() };
    sb.state.installations[String(inst.id)] = inst;
    sb.emit({
      name: 'installation',
      payload: {
        action: 'created',
        installation: installation(sb, inst),
        repositories: [
          {
            id: repo.id,
            node_id: nodeId('R', repo.id),
            name: repo.name,
            full_name: `${repo.owner}/${repo.name}`,
            private: repo.private,
          },
        ],
        requester: null,
        sender: simpleUser(sb, owner),
      },
    });
  }

  /** Sets a person's permission on a repository (what `collaborators/{user}/permission` answers). */
  setPermission(fullName: string, login: string, permission: Permission): void {
    ensureAccount(this.deps.sb.state, login);
    this.repo(fullName).permissions[login] = permission;
  }

  /** Configures the simulated CI for a repository (applies to heads pushed from now on). */
  setCi(fullName: string, ci: CiConfig | null): void {
    this.repo(fullName).ci = ci;
  }

  /**
   * The next `count` GETs of a pull request answer `mergeable: null` / `mergeable_state:
   * 'unknown'`, as GitHub does while it computes mergeability in the background.
   */
  mergeabilityPending(fullName: string, count: number): void {
    this.repo(fullName).mergeabilityPending = count;
  }

  /** Names the checks a merge waits for (a stand-in for branch protection). */
  setRequiredChecks(fullName: string, names: string[]): void {
    this.repo(fullName).requiredChecks = [...names];
  }

  /** Acts as a person: everything they do sends the webhooks GitHub would send. */
  as(login: string): UserActions {
    ensureAccount(this.deps.sb.state, login);
    return new UserActions(this.deps.sb, login, (n) => this.repo(n));
  }

  /** A person presses a requested_action button on a check run (`check_run requested_action`). */
  clickCheckRunAction(checkRunId: number, identifier: string, user: string): void {
    ensureAccount(this.deps.sb.state, user);
    for (const repo of Object.values(this.deps.sb.state.repos)) {
      const run = repo.checkRuns[String(checkRunId)];
      if (run) return clickAction(this.deps.sb, repo, run, identifier, user);
    }
    throw notFound();
  }

  /** The text of a file at a ref (default branch by default), or `undefined`. */
  readFile(fullName: string, path: string, ref?: string): string | undefined {
    const repo = this.repo(fullName);
    const sha = resolveRef(repo, ref ?? repo.defaultBranch);
    const entry = commitFiles(repo, sha).get(path);
    const blob = entry ? getBlob(repo, entry.sha) : undefined;
    return blob ? Buffer.from(blob.content, 'base64').toString('utf8') : undefined;
  }

  /** A pull request as the REST API would answer it now. */
  getPullRequest(fullName: string, number: number): Record<string, unknown> {
    const repo = this.repo(fullName);
    return pullRequest(this.deps.sb, repo, findPull(repo, number));
  }

  /** The recorded webhook deliveries, oldest first. */
  deliveries(): DeliveryState[] {
    return [...this.deps.sb.state.deliveries];
  }

  /** Waits for a delivery matching `predicate` (already recorded ones count). */
  waitForDelivery(
    predicate: (d: DeliveryState, payload: Record<string, unknown>) => boolean,
    timeoutMs = 10_000,
  ): Promise<DeliveryState> {
    const test = (d: DeliveryState): boolean =>
      predicate(d, JSON.parse(d.body) as Record<string, unknown>);
    const done = this.deps.sb.state.deliveries.find(test);
    if (done) return Promise.resolve(done);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.deps.sender.off('delivery', listener);
        reject(new Error(`no matching webhook delivery within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (d: DeliveryState): void => {
        if (!test(d)) return;
        clearTimeout(timer);
        this.deps.sender.off('delivery', listener);
        resolve(d);
      };
      this.deps.sender.on('delivery', listener);
    });
  }

  /** The next `count` API requests (optionally only those whose `METHOD /path` matches) get a primary rate limit 403. */
  rateLimit(count: number, options: { resetInSeconds?: number; match?: RegExp } = {}): void {
    this.deps.faults.armRequests(
      { kind: 'rate-limit', resetInSeconds: options.resetInSeconds ?? 1 },
      count,
      options.match,
    );
  }

  /** The next `count` requests get a secondary rate limit (403 or 429 with `retry-after`). */
  secondaryRateLimit(
    count: number,
    options: { retryAfterSeconds?: number; status?: 403 | 429; match?: RegExp } = {},
  ): void {
    this.deps.faults.armRequests(
      {
        kind: 'secondary-rate-limit',
        retryAfterSeconds: options.retryAfterSeconds ?? 1,
        status: options.status ?? 429,
      },
      count,
      options.match,
    );
  }

  /** The next `count` requests fail with a 5xx (a "storm"). */
  serverErrors(
    count: number,
    options: { status?: 500 | 502 | 503 | 504; match?: RegExp } = {},
  ): void {
    this.deps.faults.armRequests(
      { kind: 'server-error', status: options.status ?? 502 },
      count,
      options.match,
    );
  }

  /** How many armed faults have not fired yet. */
  faultsPending(): { requests: number; deliveries: number } {
    return this.deps.faults.pending();
  }

  /** The next `count` webhooks are lost (recorded as failed, so they can be redelivered). */
  dropDeliveries(count: number): void {
    this.deps.faults.armDeliveries('drop', count);
  }

  /** The next `count` webhooks arrive twice with the same `X-GitHub-Delivery`. */
  duplicateDeliveries(count: number): void {
    this.deps.faults.armDeliveries('duplicate', count);
  }
}
