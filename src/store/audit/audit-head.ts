import type { ExperienceStore } from '../experience-store.ts';
import type { AuditHead } from '../experience-types.ts';

/** Where the audit writer keeps its head (last seq and hash) outside the audit files. */
export interface AuditHeadSink {
  read(): Promise<AuditHead | null>;
  write(head: AuditHead): Promise<void>;
}

/**
 * Keeps the audit head in the experience store (`data.audit_head`), never moving it backwards.
 *
 * @example const sink = storeAuditHead(store);
 */
export function storeAuditHead(store: ExperienceStore): AuditHeadSink {
  return {
    async read() {
      return (await store.read()).audit_head;
    },
    async write(head) {
      await store.update((data) => {
        if (!data.audit_head || data.audit_head.seq < head.seq) data.audit_head = head;
      });
    },
  };
}
