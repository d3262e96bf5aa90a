import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { LogicError, PreconditionError } from '../../contracts/errors.ts';
import { writeFileAtomic } from '../store/atomic-write.ts';
import { DurableLog } from './durable-log.ts';
import { SyncPlacement } from './sync-placement.ts';
import { isPrunable } from './prunable-jobs.ts';
import { replaceFileSync } from './replace-file-sync.ts';
import {
  TERMINAL_STATES,
  compareJobs,
  runnerSatisfies,
  type Job,
  type JobApproval,
  type JobSpec,
  type JobState,
  type RunnerProfile,
} from './job-types.ts';

/**
 * The job queue as the hub sees it. Kept small and async so a DynamoDB table (conditional
 * writes for `transition`, a GSI on idempotency key) can replace the file one (ADR 0004).
 */
export interface JobQueue {
  /**
   * Adds a job; with an idempotency key already seen, returns the first job and `created: false`.
   * With `claimFor`, a new job that this runner satisfies and that no queued job it could take
   * ranks before is stored already `dispatched` to it: one durable write for submit and claim.
   * `id` (from `newJobId`) lets the caller bind the job to a runner slot before the write ends.
   */
  submit(spec: JobSpec, options?: SubmitOptions): Promise<{ job: Job; created: boolean }>;
  get(id: string): Promise<Job | undefined>;
  list(states?: JobState[]): Promise<Job[]>;
  /** The best queued job (priority, then age) this runner satisfies, moved to `dispatched`. */
  claimNext(runner: RunnerProfile): Promise<Job | undefined>;
  /**
   * Applies `patch` only if the job is currently in one of `from` (a conditional write);
   * returns the new job, or undefined when the condition failed. This is what makes results
   * apply at most once. With `durable: false` the promise does not wait for the disk and costs
   * no sync of its own (for changes a crash may lose safely, like dispatched → running).
   */
  transition(
    id: string,
    from: readonly JobState[],
    patch: Partial<Omit<Job, 'id' | 'spec' | 'seq'>>,
    options?: { durable?: boolean },
  ): Promise<Job | undefined>;
  close(): Promise<void>;
  /**
   * Drops finished jobs (TERMINAL_STATES) whose last change is older than `before`, for good,
   * and returns them; their idempotency keys are forgotten, so a later submit with such a key
   * creates a new job. `dryRun` only returns them. `compact` rewrites the storage even when
   * nothing is due (a queue without such storage ignores it).
   */
  prune(before: Date, options?: { dryRun?: boolean; compact?: boolean }): Promise<Job[]>;
}

interface SubmitOptions {
  claimFor?: RunnerProfile;
  id?: string;
}

type LogRecord = { t: 'put'; job: Job };

/**
 * A new job id: time-ordered prefix, random tail.
 *
 * @example newJobId(); // 'job_mwz83jp355e2dca7c3'
 */
export function newJobId(): string {
  return `job_${Date.now().toString(36)}${randomBytes(5).toString('hex')}`;
}

/**
 * The file-backed queue: an append-only JSONL log of whole-job records (last one wins), every
 * write fdatasync'ed before its promise resolves (group commit), compacted on open.
 *
 * @example
 * const queue = await FileJobQueue.open('.ko');
 * const { job } = await queue.submit({ script: 'Get-Date', idempotency_key: 'pr-12-lint' });
 */
export class FileJobQueue implements JobQueue {
  readonly #jobs = new Map<string, Job>();
  readonly #byKey = new Map<string, string>();
  /** Ids by state, so dispatch and lease checks never scan finished jobs. */
  readonly #byState = new Map<JobState, Set<string>>();
  #log: DurableLog;
  #seq = 0;
  /** Where the log's syncs run; kept across the reopen after a prune. */
  readonly #placement: SyncPlacement;

  private constructor(log: DurableLog, placement: SyncPlacement) {
    this.#log = log;
    this.#placement = placement;
  }

  static async open(dataDir: string): Promise<FileJobQueue> {
    const path = join(dataDir, 'jobs.jsonl');
    const records = DurableLog.readLines(path) as LogRecord[];
    const jobs = new Map<string, Job>();
    for (const record of records)
      if (record?.t === 'put' && record.job?.id) jobs.set(record.job.id, record.job);
    if (records.length > jobs.size * 2 + 256) {
      // Compact: one record per job, written atomically, before the log is reopened for append.
      await writeFileAtomic(
        path,
        [...jobs.values()].map((job) => `${JSON.stringify({ t: 'put', job })}\n`).join(''),
      );
    }
    const placement = new SyncPlacement();
    const queue = new FileJobQueue(DurableLog.open(path, { placement }), placement);
    queue.#path = path;
    for (const job of jobs.values()) {
      queue.#jobs.set(job.id, job);
      queue.#index(undefined, job);
      if (job.spec.idempotency_key) queue.#byKey.set(job.spec.idempotency_key, job.id);
      queue.#seq = Math.max(queue.#seq, job.seq);
    }
    return queue;
  }

  async submit(
    spec: JobSpec,
    options: SubmitOptions = {},
  ): Promise<{ job: Job; created: boolean }> {
    const normalized = normalizeSpec(spec);
    const key = normalized.idempotency_key;
    if (key !== undefined) {
      const existing = this.#byKey.get(key);
      if (existing)
        return { job: structuredClone(this.#jobs.get(existing) as Job), created: false };
    }
    const now = new Date().toISOString();
    const job: Job = {
      id: options.id ?? newJobId(),
      spec: normalized,
      state: 'queued',
      seq: ++this.#seq,
      created_at: now,
      updated_at: now,
      runner_id: null,
      attempts: 0,
      lease_expires_at: null,
      cancel_requested: false,
      result: null,
      reason: null,
    };
    if (this.#jobs.has(job.id))
      throw new LogicError('JOB_ID_TAKEN', `job id ${job.id} is already in the queue`, {
        hint: 'pass a fresh newJobId() or none',
      });
    const runner = options.claimFor;
    if (runner && runnerSatisfies(job, runner) && !this.#queuedAhead(job, runner)) {
      job.state = 'dispatched';
      job.runner_id = runner.runner_id;
      job.attempts = 1;
    }
    // Reserve the key before the await so a concurrent duplicate sees it.
    this.#jobs.set(job.id, job);
    this.#index(undefined, job);
    if (key !== undefined) this.#byKey.set(key, job.id);
    await this.#log.append({ t: 'put', job } satisfies LogRecord);
    return { job: structuredClone(job), created: true };
  }

  async get(id: string): Promise<Job | undefined> {
    const job = this.#jobs.get(id);
    return job ? structuredClone(job) : undefined;
  }

  async list(states?: JobState[]): Promise<Job[]> {
    const ids = states
      ? states.flatMap((state) => [...(this.#byState.get(state) ?? [])])
      : [...this.#jobs.keys()];
    return ids
      .map((id) => this.#jobs.get(id) as Job)
      .sort(compareJobs)
      .map((job) => structuredClone(job));
  }

  /** Whether a queued job this runner could take ranks before `job` (priority, then age). */
  #queuedAhead(job: Job, runner: RunnerProfile): boolean {
    for (const id of this.#byState.get('queued') ?? []) {
      const queued = this.#jobs.get(id) as Job;
      if (compareJobs(queued, job) < 0 && runnerSatisfies(queued, runner)) return true;
    }
    return false;
  }

  #index(before: Job | undefined, after: Job): void {
    if (before) this.#byState.get(before.state)?.delete(before.id);
    let set = this.#byState.get(after.state);
    if (!set) this.#byState.set(after.state, (set = new Set()));
    set.add(after.id);
  }

  async claimNext(runner: RunnerProfile): Promise<Job | undefined> {
    let best: Job | undefined;
    for (const id of this.#byState.get('queued') ?? []) {
      const job = this.#jobs.get(id) as Job;
      if (!runnerSatisfies(job, runner)) continue;
      if (!best || compareJobs(job, best) < 0) best = job;
    }
    if (!best) return undefined;
    return this.transition(best.id, ['queued'], {
      state: 'dispatched',
      runner_id: runner.runner_id,
      attempts: best.attempts + 1,
    });
  }

  async transition(
    id: string,
    from: readonly JobState[],
    patch: Partial<Omit<Job, 'id' | 'spec' | 'seq'>>,
    options: { durable?: boolean } = {},
  ): Promise<Job | undefined> {
    const current = this.#jobs.get(id);
    if (!current || !from.includes(current.state)) return undefined;
    if (
      TERMINAL_STATES.has(current.state) &&
      patch.state !== undefined &&
      patch.state !== current.state
    )
      return undefined;
    const next: Job = { ...current, ...patch, updated_at: new Date().toISOString() };
    this.#jobs.set(id, next);
    this.#index(current, next);
    // A non-durable change is written now and reaches the disk with the next durable one.
    await this.#log.append({ t: 'put', job: next } satisfies LogRecord, {
      durable: options.durable !== false,
    });
    return structuredClone(next);
  }

  async close(): Promise<void> {
    await this.#log.close();
  }

  #path = '';

  /**
   * The log is rewritten from memory in one synchronous step (then reopened for append), so no
   * change can slip in between the snapshot and the rename; appends still in flight on the old
   * file are in the snapshot already, since memory is updated before every append.
   */
  async prune(before: Date, options: { dryRun?: boolean; compact?: boolean } = {}): Promise<Job[]> {
    const doomed = [...TERMINAL_STATES]
      .flatMap((state) => [...(this.#byState.get(state) ?? [])])
      .map((id) => this.#jobs.get(id) as Job)
      .filter((job) => isPrunable(job, before))
      .sort((a, b) => a.seq - b.seq);
    if (options.dryRun || (doomed.length === 0 && !options.compact))
      return doomed.map((job) => structuredClone(job));
    const gone = new Set(doomed.map((job) => job.id));
    replaceFileSync(
      this.#path,
      [...this.#jobs.values()]
        .filter((job) => !gone.has(job.id))
        .map((job) => `${JSON.stringify({ t: 'put', job } satisfies LogRecord)}\n`)
        .join(''),
    );
    const previous = this.#log;
    this.#log = DurableLog.open(this.#path, { placement: this.#placement });
    for (const job of doomed) {
      this.#jobs.delete(job.id);
      this.#byState.get(job.state)?.delete(job.id);
      const key = job.spec.idempotency_key;
      if (key !== undefined && this.#byKey.get(key) === job.id) this.#byKey.delete(key);
    }
    await previous.close();
    return doomed;
  }
}

function stringList(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new PreconditionError('JOB_BAD_FIELD', `${field} must be an array of strings`, {
      hint: `e.g. "${field}": ["ps7"]`,
    });
  }
  return [
    ...new Set(value.map((v: string) => v.trim().toLowerCase()).filter((v) => v !== '')),
  ].sort();
}

/** Validates a submitted spec once, at the boundary; errors name the field. */
export function normalizeSpec(spec: JobSpec): Job['spec'] {
  if (typeof spec !== 'object' || spec === null) {
    throw new PreconditionError('JOB_BAD_SPEC', 'the job must be a JSON object', {
      hint: 'send {"script": "..."}',
    });
  }
  if (typeof spec.script !== 'string' || spec.script.trim() === '') {
    throw new PreconditionError('JOB_BAD_FIELD', 'script must be a non-empty string', {
      hint: 'send {"script": "Get-Date"}',
    });
  }
  // Small enough that exec.request always fits one frame under the 200 KB chunk size.
  if (Buffer.byteLength(spec.script, 'utf8') > 128 * 1024) {
    throw new PreconditionError('JOB_SCRIPT_TOO_LARGE', 'script is larger than 128 KiB', {
      hint: 'ship a script file in the repository and call it',
    });
  }
  const priority = spec.priority ?? 5;
  if (!Number.isInteger(priority) || priority < 0 || priority > 9) {
    // Same range as the ko-v1 envelope's priority (contracts/ko-v1/envelope.schema.json).
    throw new PreconditionError('JOB_BAD_FIELD', 'priority must be an integer from 0 to 9', {
      hint: 'higher runs first; default 5',
    });
  }
  if (
    spec.timeout_ms !== undefined &&
    (!Number.isInteger(spec.timeout_ms) || spec.timeout_ms < 1 || spec.timeout_ms > 24 * 3600_000)
  ) {
    throw new PreconditionError(
      'JOB_BAD_FIELD',
      'timeout_ms must be an integer from 1 to 86400000',
      { hint: 'omit it for the runner default' },
    );
  }
  for (const field of ['working_dir', 'idempotency_key'] as const) {
    const value = spec[field];
    if (value !== undefined && (typeof value !== 'string' || value === '' || value.length > 512)) {
      throw new PreconditionError(
        'JOB_BAD_FIELD',
        `${field} must be a non-empty string of at most 512 characters`,
        { hint: `fix ${field}` },
      );
    }
  }
  // The exec.request schema's rule: relative, no drive, no `..` segment (the runner re-checks
  // with realpath, since a symlink inside the root can still point out of it).
  if (
    spec.working_dir !== undefined &&
    !/^(?![\\/])(?![A-Za-z]:)(?!(?:.*[\\/])?\.\.(?:[\\/]|$))[^\0]*$/.test(spec.working_dir)
  ) {
    throw new PreconditionError(
      'JOB_WORKING_DIR_OUTSIDE_ROOT',
      `working_dir "${spec.working_dir}" is absolute or climbs out with ..`,
      {
        hint: 'give a path relative to the runner\'s --root, e.g. "src/app"',
      },
    );
  }
  for (const field of ['apply', 'idempotent'] as const) {
    if (spec[field] !== undefined && typeof spec[field] !== 'boolean') {
      throw new PreconditionError('JOB_BAD_FIELD', `${field} must be true or false`, {
        hint: `fix ${field}`,
      });
    }
  }
  const approval = normalizeApproval(spec.approval);
  const out: Job['spec'] = {
    script: spec.script,
    apply: spec.apply ?? false,
    idempotent: spec.idempotent ?? false,
    priority,
    capabilities: stringList(spec.capabilities, 'capabilities'),
    labels: stringList(spec.labels, 'labels'),
  };
  if (spec.working_dir !== undefined) out.working_dir = spec.working_dir;
  if (spec.timeout_ms !== undefined) out.timeout_ms = spec.timeout_ms;
  if (spec.idempotency_key !== undefined) out.idempotency_key = spec.idempotency_key;
  if (approval !== undefined) out.approval = approval;
  return out;
}

/** The exec.request schema's ExecApproval, checked here so a bad one fails at submit, not on the wire. */
function normalizeApproval(value: JobSpec['approval']): JobSpec['approval'] {
  if (value === undefined) return undefined;
  const { id, approved_by, binding_sha256 } = (value ?? {}) as Partial<JobApproval>;
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof id !== 'string' ||
    !/^[A-Za-z0-9._:-]{1,128}$/.test(id) ||
    typeof approved_by !== 'string' ||
    approved_by === '' ||
    approved_by.length > 100 ||
    typeof binding_sha256 !== 'string' ||
    !/^[0-9a-f]{64}$/.test(binding_sha256)
  ) {
    throw new PreconditionError(
      'JOB_BAD_FIELD',
      'approval must be {id, approved_by, binding_sha256} with binding_sha256 as 64 lowercase hex',
      { hint: "binding_sha256 is the guard's approval_binding_sha256 for this exact script" },
    );
  }
  return { id, approved_by, binding_sha256 };
}
