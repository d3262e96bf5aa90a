import type { ExperienceStore } from '../store/experience-store.ts';
import type { RunRecord } from '../store/experience-types.ts';
import type { WorkflowRun } from './workflow-types.ts';

/** How many finished runs `data.runs` keeps (the synthetic run history). */
const HISTORY_LIMIT = 500;

function isRun(value: unknown): value is WorkflowRun {
  const run = value as Partial<WorkflowRun> | null;
  return (
    typeof run?.id === 'string' && typeof run.kind === 'string' && typeof run.step === 'string'
  );
}

/**
 * Workflow runs in the experience store: `data.workflows[id]` holds each run with its steps, and
 * finished runs add a line (outcome, lead time) to `data.runs`.
 *
 * @example const runs = new RunStore(store); await runs.save(run);
 */
export class RunStore {
  readonly #store: ExperienceStore;

  constructor(store: ExperienceStore) {
    this.#store = store;
  }

  /** Every run, as on disk now. */
  async all(): Promise<WorkflowRun[]> {
    const data = await this.#store.read();
    return Object.values(data.workflows).filter(isRun);
  }

  async get(id: string): Promise<WorkflowRun | undefined> {
    const run = (await this.#store.read()).workflows[id];
    return isRun(run) ? run : undefined;
  }

  /**
   * Writes the run (one atomic store write); a finished run also lands in the run history (once
   * per run: a retried run's line is replaced when it ends again).
   */
  async save(run: WorkflowRun): Promise<void> {
    await this.#store.update((data) => {
      data.workflows[run.id] = structuredClone(run);
      if (run.finished_at !== undefined) {
        const line: RunRecord = {
          id: run.id,
          workflow_id: run.kind,
          repo: `${run.owner}/${run.repo}`,
          pr: run.pr,
          trace_id: run.trace_id,
          started_at: run.started_at,
          finished_at: run.finished_at,
          outcome: run.state,
          ...(run.lead_time_ms === undefined ? {} : { lead_time_ms: run.lead_time_ms }),
        };
        // A retried run ends again: its line is replaced, so the history holds its final outcome.
        const index = data.runs.findIndex((r) => r.id === run.id);
        if (index >= 0) data.runs[index] = line;
        else data.runs.push(line);
        if (data.runs.length > HISTORY_LIMIT) data.runs.splice(0, data.runs.length - HISTORY_LIMIT);
      }
    });
  }
}
