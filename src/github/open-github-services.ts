import { join } from 'node:path';
import type { Logger } from 'pino';
import { ApprovalQueue } from '../approvals/approval-queue.ts';
import type { WorkflowPort } from '../commands/dispatch/workflow-port.ts';
import { storeAuditHead } from '../store/audit/audit-head.ts';
import { AuditLog } from '../store/audit/audit-log.ts';
import { ExperienceStore } from '../store/experience-store.ts';
import { BackgroundTasks } from './background-tasks.ts';
import { DeliveryLedger } from './delivery-ledger.ts';
import type { HandlerServices } from './handler-services.ts';
import { StoreApprovalRepository } from '../approvals/store-approval-repository.ts';

/** The state-holding parts behind the handlers, opened once per app process. */
export interface GitHubServices {
  store: ExperienceStore;
  auditLog: AuditLog;
  approvals: ApprovalQueue;
  ledger: DeliveryLedger;
  tasks: BackgroundTasks;
  /** What the handlers see; `hub` and `workflow` are filled in once they exist. */
  handlers: HandlerServices;
  close(): Promise<void>;
}

export interface OpenGitHubServicesOptions {
  dataDir: string;
  logger: Logger;
  mask?: (text: string) => string;
  workflow?: WorkflowPort;
  execWaitMs?: number;
}

/**
 * Opens the experience store, the audit log (writer lock), the approval queue over the store and
 * the delivery ledger, under `dataDir`.
 *
 * @example const services = await openGitHubServices({ dataDir: '.ko', logger });
 */
export async function openGitHubServices(
  options: OpenGitHubServicesOptions,
): Promise<GitHubServices> {
  const { logger } = options;
  const store = await ExperienceStore.open({ dataDir: options.dataDir, logger });
  const auditLog = await AuditLog.open({
    dir: join(options.dataDir, 'audit'),
    logger,
    head: storeAuditHead(store),
    ...(options.mask === undefined ? {} : { mask: options.mask }),
  });
  const approvals = new ApprovalQueue({ repository: new StoreApprovalRepository(store), logger });
  const tasks = new BackgroundTasks(logger);
  const handlers: HandlerServices = {
    approvals,
    workflow: options.workflow,
    hub: undefined,
    logger,
    auditLog,
    background: (name, work) => tasks.run(name, work),
    ...(options.execWaitMs === undefined ? {} : { execWaitMs: options.execWaitMs }),
  };
  return {
    store,
    auditLog,
    approvals,
    ledger: new DeliveryLedger(store),
    tasks,
    handlers,
    async close() {
      await tasks.settle(5_000);
      await auditLog.close();
    },
  };
}
