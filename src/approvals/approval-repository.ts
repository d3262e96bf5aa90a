import { ConflictError } from '../../contracts/errors.ts';
import type { ApprovalItem } from './approval-types.ts';

/**
 * Where the queue keeps its items. The experience store (src/store) and, at scale, DynamoDB
 * implement it; `save` must be a compare-and-set on `version` so two processes cannot both
 * decide the same item.
 */
export interface ApprovalRepository {
  /** Every item (the queue is small: pending items plus a bounded history). */
  load(): Promise<ApprovalItem[]>;
  /**
   * Stores `item` (whose `version` is already bumped) if the stored version is still
   * `expectedVersion` (null: the id must be new); otherwise throws ConflictError APPROVAL_STALE.
   */
  save(item: ApprovalItem, expectedVersion: number | null): Promise<void>;
}

/**
 * An ApprovalRepository in memory: for tests, `ko demo` and single-process runs without a store.
 *
 * @example const queue = new ApprovalQueue({ repository: new InMemoryApprovalRepository() });
 */
export class InMemoryApprovalRepository implements ApprovalRepository {
  readonly #items = new Map<string, ApprovalItem>();

  constructor(items: readonly ApprovalItem[] = []) {
    for (const item of items) this.#items.set(item.id, structuredClone(item));
  }

  async load(): Promise<ApprovalItem[]> {
    return [...this.#items.values()].map((item) => structuredClone(item));
  }

  async save(item: ApprovalItem, expectedVersion: number | null): Promise<void> {
    const stored = this.#items.get(item.id);
    const storedVersion = stored === undefined ? null : stored.version;
    if (storedVersion !== expectedVersion) {
      throw new ConflictError(
        'APPROVAL_STALE',
        `Approval ${item.id} changed meanwhile (stored version ${String(storedVersion)}, expected ${String(expectedVersion)})`,
        { hint: 'load the queue again and retry the decision' },
      );
    }
    this.#items.set(item.id, structuredClone(item));
  }
}
