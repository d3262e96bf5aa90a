import { ConflictError } from '../../contracts/errors.ts';
import type { ExperienceStore } from '../store/experience-store.ts';
import type { ApprovalRepository } from './approval-repository.ts';
import type { ApprovalItem } from './approval-types.ts';

function isApprovalItem(value: unknown): value is ApprovalItem {
  const item = value as Partial<ApprovalItem> | null;
  return (
    typeof item?.id === 'string' &&
    typeof item.state === 'string' &&
    typeof item.version === 'number'
  );
}

/**
 * The approval queue's items in the experience store (`data.approvals[id]`). `save` is a
 * compare-and-set on `version` inside the store's cross-process lock, so two KO processes can
 * never both decide one item.
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
    return Object.values(data.approvals).flatMap((item: unknown) =>
      isApprovalItem(item) ? [structuredClone(item)] : [],
    );
  }

  /** One item by id (any state), for callers that need to know how it was decided. */
  async get(id: string): Promise<ApprovalItem | undefined> {
    const item = (await this.#store.read()).approvals[id.toLowerCase()];
    return isApprovalItem(item) ? structuredClone(item) : undefined;
  }

  async save(item: ApprovalItem, expectedVersion: number | null): Promise<void> {
    await this.#store.update((data) => {
      const stored = data.approvals[item.id];
      const storedVersion = isApprovalItem(stored) ? stored.version : null;
      if (storedVersion !== expectedVersion) {
        throw new ConflictError(
          'APPROVAL_STALE',
          `Approval ${item.id} changed meanwhile (stored version ${String(storedVersion)}, expected ${String(expectedVersion)})`,
          { hint: 'load the queue again and retry the decision' },
        );
      }
      data.approvals[item.id] = { ...structuredClone(item) };
    });
  }
}
