import type { Logger } from 'pino';
import { ConflictError, KoError, PreconditionError } from '../../contracts/errors.ts';
import { newApprovalId, type RandomIndex } from './approval-id.ts';
import type { ApprovalRepository } from './approval-repository.ts';
import { validateApprovalRequest, type ApprovalRequest } from './validate-approval-request.ts';
import { applyApprovalEvent, auditFor, isDue, type ApprovalEvent } from './approval-transitions.ts';
import { logApprovalEvent } from './approval-log-line.ts';
import type { ApprovalItem, ApprovalKind, AuditEvent } from './approval-types.ts';

export type { ApprovalRequest } from './validate-approval-request.ts';

/** Kinds whose target is the PR's head SHA, so a push makes them stale. */
const HEAD_BOUND_KINDS: readonly ApprovalKind[] = ['merge', 'synthetic', 'rollback'];

export interface QueueResult {
  item: ApprovalItem;
  /** Every audit event the call produced, in order (also for items it voided or expired). */
  audit: AuditEvent[];
}

export interface ApprovalQueueOptions {
  repository: ApprovalRepository;
  now?: () => Date;
  random?: RandomIndex;
  logger?: Logger;
}

/**
 * The audit events a refused queue call carries (empty for other errors).
 *
 * @example try { await queue.proceed('a7k2', 'ann'); } catch (e) { audit.write(auditEventsOf(e)); throw e; }
 */
export function auditEventsOf(error: unknown): AuditEvent[] {
  const audit = error instanceof KoError ? error.details?.audit : undefined;
  return Array.isArray(audit) ? (audit as AuditEvent[]) : [];
}

function sameRepo(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * The approval queue across PRs and repos. Requests, decisions (Proceed/Abort), voiding on push
 * and expiry; each call returns the audit events for the caller's audit log. Calls on one queue
 * run one at a time; across processes the repository's compare-and-set keeps decisions single.
 *
 * @example const { item } = await queue.request({ kind: 'merge', requester: 'ann', repo: 'o/r', pr: 1, target: sha, summary: 'merge #1', expiryMinutes: 60 });
 */
export class ApprovalQueue {
  readonly #repository: ApprovalRepository;
  readonly #now: () => Date;
  readonly #random: RandomIndex | undefined;
  readonly #logger: Logger | undefined;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(options: ApprovalQueueOptions) {
    this.#repository = options.repository;
    this.#now = options.now ?? (() => new Date());
    this.#random = options.random;
    this.#logger = options.logger;
  }

  /** Runs `work` after every earlier call has settled. */
  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(work, work);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #store(next: ApprovalItem, previous: ApprovalItem | null): Promise<ApprovalItem> {
    const saved = { ...next, version: previous === null ? 1 : previous.version + 1 };
    await this.#repository.save(saved, previous === null ? null : previous.version);
    return saved;
  }

  /** One log line per request and decision, under the asker's trace (see approval-log-line.ts). */
  #log(item: ApprovalItem, audit: AuditEvent): void {
    if (this.#logger) logApprovalEvent(this.#logger, item, audit);
  }

  async #apply(item: ApprovalItem, event: ApprovalEvent): Promise<QueueResult> {
    const { item: next, audit } = applyApprovalEvent(item, event);
    const saved = await this.#store(next, item);
    this.#log(saved, audit);
    return { item: saved, audit: [audit] };
  }

  /**
   * Asks for an approval. An identical open request (pending or approved: same kind, PR and
   * target) is returned as it is. For merge, synthetic and rollback an open one for another head
   * SHA on the same PR is voided as superseded; exec requests for different commands coexist.
   */
  request(input: ApprovalRequest): Promise<QueueResult> {
    return this.#serial(async () => {
      validateApprovalRequest(input);
      const now = this.#now();
      const audit: AuditEvent[] = [];
      const items = await this.#repository.load();
      for (const item of items) {
        if (!sameRepo(item.repo, input.repo) || item.pr !== input.pr || item.kind !== input.kind) {
          continue;
        }
        if (item.state !== 'pending' && item.state !== 'approved') continue;
        if (isDue(item, now)) {
          audit.push(...(await this.#apply(item, { type: 'expire', at: now })).audit);
        } else if (item.target === input.target) {
          return { item, audit };
        } else if (HEAD_BOUND_KINDS.includes(item.kind)) {
          const reason = `superseded by a new request for ${input.target.slice(0, 12)}`;
          const voided = await this.#apply(item, {
            type: 'void',
            actor: input.requester,
            at: now,
            reason,
          });
          audit.push(...voided.audit);
        }
      }
      const taken = new Set(items.map((item) => item.id));
      const id = this.#random ? newApprovalId(taken, this.#random) : newApprovalId(taken);
      const created = await this.#store(
        {
          id,
          kind: input.kind,
          requester: input.requester,
          repo: input.repo,
          pr: input.pr,
          target: input.target,
          summary: input.summary,
          created_at: now.toISOString(),
          expires_at: new Date(now.getTime() + input.expiryMinutes * 60_000).toISOString(),
          state: 'pending',
          decided_by: null,
          decided_at: null,
          reason: null,
          version: 0,
          ...(input.traceId === undefined ? {} : { trace_id: input.traceId }),
        },
        null,
      );
      const requested = auditFor(created, 'approval.request', input.requester, 'done', now);
      this.#log(created, requested);
      audit.push(requested);
      return { item: created, audit };
    });
  }

  /** Proceed (yes) on a pending item, by someone other than the requester. */
  proceed(id: string, actor: string): Promise<QueueResult> {
    return this.#decide(id, { type: 'proceed', actor, at: this.#now() });
  }

  /** Abort (no) on a pending item, by someone other than the requester. */
  abort(id: string, actor: string, reason?: string): Promise<QueueResult> {
    const at = this.#now();
    return this.#decide(
      id,
      reason === undefined ? { type: 'abort', actor, at } : { type: 'abort', actor, at, reason },
    );
  }

  #decide(id: string, event: ApprovalEvent & { type: 'proceed' | 'abort' }): Promise<QueueResult> {
    return this.#serial(async () => {
      const item = (await this.#repository.load()).find((i) => i.id === id.toLowerCase());
      if (item === undefined) {
        throw new PreconditionError('APPROVAL_NOT_FOUND', `There is no approval ${id}`, {
          hint: '`/ko status` lists the pending approvals of a PR',
        });
      }
      try {
        return await this.#decideItem(item, id, event);
      } catch (error) {
        for (const refused of auditEventsOf(error)) {
          if (refused.outcome === 'refused') this.#log(item, refused);
        }
        throw error;
      }
    });
  }

  /** Expired: records the expiry and refuses; otherwise applies the decision (or refuses it). */
  async #decideItem(
    item: ApprovalItem,
    id: string,
    event: ApprovalEvent & { type: 'proceed' | 'abort' },
  ): Promise<QueueResult> {
    if (item.state === 'pending' && isDue(item, event.at)) {
      // Record the expiry, then refuse: an answer after the deadline does not count.
      const expired = await this.#apply(item, { type: 'expire', at: event.at });
      const refused = auditFor(
        item,
        `approval.${event.type}`,
        event.actor,
        'refused',
        event.at,
        `approval ${id} expired at ${item.expires_at}`,
      );
      throw new ConflictError(
        'APPROVAL_EXPIRED',
        `Cannot ${event.type}: approval ${item.id} expired at ${item.expires_at}`,
        {
          hint: 'ask for a new approval',
          details: { audit: [...expired.audit, refused] },
        },
      );
    }
    return this.#apply(item, event);
  }

  /**
   * A push moved the PR's head: voids open and approved merge, synthetic and rollback approvals
   * that were for another SHA.
   */
  onHeadChanged(repo: string, pr: number, headSha: string, actor: string): Promise<AuditEvent[]> {
    return this.#serial(async () => {
      const at = this.#now();
      const audit: AuditEvent[] = [];
      for (const item of await this.#repository.load()) {
        const open = item.state === 'pending' || item.state === 'approved';
        if (!open || !sameRepo(item.repo, repo) || item.pr !== pr) continue;
        if (!HEAD_BOUND_KINDS.includes(item.kind) || item.target === headSha) continue;
        const reason = `the PR head moved from ${item.target.slice(0, 12)} to ${headSha.slice(0, 12)}`;
        audit.push(...(await this.#apply(item, { type: 'void', actor, at, reason })).audit);
      }
      return audit;
    });
  }

  /** Voids one item on purpose (e.g. the ko:merge label was removed). */
  void(id: string, actor: string, reason: string): Promise<QueueResult> {
    return this.#serial(async () => {
      const item = (await this.#repository.load()).find((i) => i.id === id.toLowerCase());
      if (item === undefined) {
        throw new PreconditionError('APPROVAL_NOT_FOUND', `There is no approval ${id}`);
      }
      return this.#apply(item, { type: 'void', actor, at: this.#now(), reason });
    });
  }

  /** Expires every pending or approved item past its deadline (run it on a timer). */
  expireDue(): Promise<AuditEvent[]> {
    return this.#serial(async () => {
      const at = this.#now();
      const audit: AuditEvent[] = [];
      for (const item of await this.#repository.load()) {
        if ((item.state === 'pending' || item.state === 'approved') && isDue(item, at)) {
          audit.push(...(await this.#apply(item, { type: 'expire', at })).audit);
        }
      }
      return audit;
    });
  }

  /**
   * The approval that lets this exact work go ahead: approved, not expired, and for the very same
   * target. A changed command (another guard binding hash) or a new head SHA finds nothing.
   */
  async findApproved(
    query: Pick<ApprovalItem, 'kind' | 'repo' | 'pr' | 'target'>,
  ): Promise<ApprovalItem | undefined> {
    const now = this.#now();
    return (await this.#repository.load()).find(
      (item) =>
        item.state === 'approved' &&
        !isDue(item, now) &&
        item.kind === query.kind &&
        sameRepo(item.repo, query.repo) &&
        item.pr === query.pr &&
        item.target === query.target,
    );
  }

  /** Pending items, optionally of one repo or PR, oldest first (for `/ko status` and the dashboard). */
  async listPending(filter: { repo?: string; pr?: number } = {}): Promise<ApprovalItem[]> {
    const now = this.#now();
    return (await this.#repository.load())
      .filter((item) => item.state === 'pending' && !isDue(item, now))
      .filter((item) => filter.repo === undefined || sameRepo(item.repo, filter.repo))
      .filter((item) => filter.pr === undefined || item.pr === filter.pr)
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  /**
   * The pending item a `/ko approve [id]` or `/ko abort [id]` comment on a PR means: the given id
   * (which must belong to that PR), or the only pending one.
   */
  async resolveForPr(repo: string, pr: number, id?: string): Promise<ApprovalItem> {
    const pending = await this.listPending({ repo, pr });
    if (id !== undefined) {
      const item = pending.find((i) => i.id === id.toLowerCase());
      if (item !== undefined) return item;
      const ids = pending.map((i) => `\`${i.id}\``).join(', ');
      throw new PreconditionError(
        'APPROVAL_NOT_FOUND',
        `No pending approval ${id} on ${repo}#${pr}`,
        {
          hint:
            pending.length === 0
              ? 'nothing is waiting for approval on this PR'
              : `pending here: ${ids}`,
        },
      );
    }
    if (pending.length === 1) return pending[0] as ApprovalItem;
    if (pending.length === 0) {
      throw new PreconditionError(
        'NO_PENDING_APPROVAL',
        `Nothing is waiting for approval on ${repo}#${pr}`,
        {
          hint: '`/ko status` shows what this PR is waiting for',
        },
      );
    }
    throw new PreconditionError(
      'AMBIGUOUS_APPROVAL',
      `${pending.length} approvals are pending on ${repo}#${pr}`,
      {
        hint: `name one: ${pending.map((i) => `\`/ko approve ${i.id}\` (${i.summary})`).join(', ')}`,
      },
    );
  }
}
