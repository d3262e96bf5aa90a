/** Everything the stand-in knows, as plain JSON so it can be snapshotted to a file as is. */

export type Permission = 'admin' | 'write' | 'read' | 'none';

export interface GitBlob {
  type: 'blob';
  sha: string;
  /** base64 of the raw bytes */
  content: string;
  size: number;
}

export interface TreeEntry {
  path: string;
  mode: string;
  type: 'blob' | 'tree';
  sha: string;
}

export interface GitTree {
  type: 'tree';
  sha: string;
  entries: TreeEntry[];
}

export interface GitSignature {
  name: string;
  email: string;
  date: string;
}

export interface GitCommit {
  type: 'commit';
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  author: GitSignature;
  committer: GitSignature;
}

export type GitObject = GitBlob | GitTree | GitCommit;

export interface Account {
  id: number;
  login: string;
  type: 'User' | 'Organization' | 'Bot';
}

export interface LabelState {
  id: number;
  name: string;
  color: string;
  description: string | null;
  default: boolean;
}

export interface PullExtra {
  id: number;
  headRef: string;
  headSha: string;
  baseRef: string;
  draft: boolean;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  mergedBy: string | null;
}

/** An issue; a pull request is an issue with `pull` set (they share one number space). */
export interface IssueState {
  number: number;
  id: number;
  title: string;
  body: string | null;
  user: string;
  state: 'open' | 'closed';
  labels: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  pull?: PullExtra;
}

export interface ReactionState {
  id: number;
  user: string;
  content: string;
  createdAt: string;
}

export interface CommentState {
  id: number;
  issueNumber: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
  reactions: ReactionState[];
}

export interface CheckAction {
  label: string;
  description: string;
  identifier: string;
}

export interface CheckOutput {
  title: string | null;
  summary: string | null;
  text: string | null;
}

export interface CheckRunState {
  id: number;
  suiteId: number;
  appId: number;
  name: string;
  headSha: string;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion: string | null;
  startedAt: string;
  completedAt: string | null;
  output: CheckOutput;
  actions: CheckAction[];
  detailsUrl: string | null;
  externalId: string | null;
}

export interface CheckSuiteState {
  id: number;
  appId: number;
  headSha: string;
  headBranch: string | null;
  before: string | null;
  createdAt: string;
  updatedAt: string;
  /** set once the completed webhook went out, so it goes out once */
  completedSent: boolean;
}

export interface StatusState {
  id: number;
  sha: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  context: string;
  description: string | null;
  targetUrl: string | null;
  creator: string;
  createdAt: string;
  updatedAt: string;
}

/** One simulated CI check: its name, how it ends, and after how long. */
export interface CiCheck {
  name: string;
  outcome: 'success' | 'failure' | 'never';
  delayMs?: number;
  /** a check run (default) or a commit status */
  kind?: 'check' | 'status';
  /**
   * ms the CI app's check suite stays `queued` with no runs before this check run starts (as
   * GitHub Actions makes the suite at the push and the runs when a job is picked up); default 0
   */
  queuedMs?: number;
}

export interface CiConfig {
  checks: CiCheck[];
}

export interface RepoState {
  id: number;
  name: string;
  owner: string;
  private: boolean;
  description: string | null;
  defaultBranch: string;
  createdAt: string;
  updatedAt: string;
  pushedAt: string;
  /** full ref name (`refs/heads/main`) to commit sha */
  refs: Record<string, string>;
  objects: Record<string, GitObject>;
  permissions: Record<string, Permission>;
  labels: Record<string, LabelState>;
  issues: Record<string, IssueState>;
  comments: Record<string, CommentState>;
  checkSuites: Record<string, CheckSuiteState>;
  checkRuns: Record<string, CheckRunState>;
  statuses: StatusState[];
  nextNumber: number;
  ci: CiConfig | null;
  /** checks that must pass before a merge (a stand-in for branch protection) */
  requiredChecks: string[];
  /** GETs of a PR left that answer `mergeable: null` (GitHub still computing) */
  mergeabilityPending?: number;
}

export interface InstallationState {
  id: number;
  account: string;
  createdAt: string;
}

export interface TokenState {
  installationId: number;
  expiresAt: string;
}

export interface DeliveryState {
  id: number;
  guid: string;
  deliveredAt: string;
  redelivery: boolean;
  duration: number;
  status: string;
  statusCode: number;
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
  body: string;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
  responseBody: string | null;
}

export interface AppState {
  id: number;
  slug: string;
  name: string;
  owner: string;
  createdAt: string;
  /** the webhook events the app subscribes to; absent means the stand-in's default list */
  events?: string[];
}

export interface SandboxState {
  nextId: number;
  app: AppState;
  ciApp: AppState;
  accounts: Record<string, Account>;
  repos: Record<string, RepoState>;
  installations: Record<string, InstallationState>;
  tokens: Record<string, TokenState>;
  deliveries: DeliveryState[];
}

/**
 * A fresh, empty state for one app.
 *
 * @example const state = createState({ appId: 1, appSlug: 'ko' });
 */
export function createState(options: {
  appId: number;
  appSlug?: string;
  now?: string;
}): SandboxState {
  const now = options.now ?? new Date().toISOString();
  const slug = options.appSlug ?? 'ko-sandbox';
  const state: SandboxState = {
    nextId: 1000,
    app: { id: options.appId, slug, name: slug, owner: 'sandbox-admin', createdAt: now },
    ciApp: {
      id: options.appId + 1,
      slug: 'sandbox-ci',
      name: 'Sandbox CI',
      owner: 'sandbox-admin',
      createdAt: now,
    },
    accounts: {},
    repos: {},
    installations: {},
    tokens: {},
    deliveries: [],
  };
  ensureAccount(state, 'sandbox-admin', 'Organization');
  ensureAccount(state, `${slug}[bot]`, 'Bot');
  ensureAccount(state, 'sandbox-ci[bot]', 'Bot');
  return state;
}

/** A new id, unique across every kind of object in this state. */
export function nextId(state: SandboxState): number {
  state.nextId += 1;
  return state.nextId;
}

/** The account for `login`, created on first use (a login ending in `[bot]` is a Bot). */
export function ensureAccount(state: SandboxState, login: string, type?: Account['type']): Account {
  const existing = state.accounts[login];
  if (existing) return existing;
  const account: Account = {
    id: nextId(state),
    login,
    type: type ?? (login.endsWith('[bot]') ? 'Bot' : 'User'),
  };
  state.accounts[login] = account;
  return account;
}

/** The login of the app's bot user, which is the actor for installation-token calls. */
export function appBotLogin(state: SandboxState): string {
  return `${state.app.slug}[bot]`;
}
