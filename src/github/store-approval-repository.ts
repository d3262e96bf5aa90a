import { ConflictError } from '../../contracts/errors.ts';
import type { ApprovalRepository } from '../approvals/approval-repository.ts';
import type { ApprovalItem } from '../approvals/approval-types.ts';
import type { ExperienceStore } from '../store/experience-store.ts';

/**
 * The approval queue's items in the experience store (`approvals`, by id), with the
 * compare-and-set on `version` done under the store's cross-process lock.
 *
 * @example const queue = new ApprovalQueue({ repository: new StoreApprovalRepository(store) });
 */
export class StoreApprovalRepository implements ApprovalRepository {
  readonly #store: ExperienceStore;

  constructor(store: ExperienceStore) {
    this.#store = store;
  }

  async load(): Promise<ApprovalItem[]> {
    const data = await this.#store.read();
    return Object.values(data.approvals).map(
      (item) => structuredClone(item) as unknown as ApprovalItem,
    );
  }

  async save(item: ApprovalItem, expectedVersion: number | null): Promise<void> {
    await this.#store.update((data) => {
      const stored = data.approvals[item.id] as unknown as ApprovalItem | undefined;
      const storedVersion = stored === undefined ? null : stored.version;
      if (storedVersion !== expectedVersion) {
        throw new ConflictError(
          'APPROVAL_STALE',
          `Approval ${item.id} changed meanwhile (stored version ${String(storedVersion)}, expected ${String(expectedVersion)})`,
          { hint: 'load the queue again and retry the decision' },
        );
      }
      data.approvals[item.id] = structuredClone(item) as unknown as ApprovalItem & {
        [k: string]: unknown;
      };
    });
  }
}
