import { TERMINAL_STATES, type WorkflowRun } from '../workflow/workflow-types.ts';
import { DEMO_REPO, type DemoStack } from './demo-stack.ts';

export interface DemoStep {
  name: string;
  at: string;
  detail?: string;
}

export interface DemoResult {
  pr: number | null;
  pr_url: string | null;
  steps: DemoStep[];
  trace_id: string;
  final_state: string;
}

const RUN_TIMEOUT_MS = 120_000;

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

async function untilValue<T>(
  probe: () => T | undefined,
  timeoutMs: number,
): Promise<T | undefined> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined || Date.now() > end) return value;
    await sleep(100);
  }
}

/**
 * One synthetic workflow in apply mode against the stand-in (branch → PR → checks → gate →
 * squash merge → record), then `/ko status` and a dry-run `/ko exec` on the merged PR through
 * the local runner. The steps come from the run's recorded history, then the two commands.
 *
 * @example const result = await runDemo(await startDemoStack());
 */
export async function runDemo(stack: DemoStack): Promise<DemoResult> {
  const workflow = stack.app.workflow;
  if (!workflow) throw new Error('the app has no workflow engine');
  const started = await workflow.startSynthetic({
    installationId: stack.sandbox.installationId(DEMO_REPO.owner),
    ...DEMO_REPO,
    trigger: 'api',
    requestedBy: 'dana',
    apply: true,
  });
  let run: WorkflowRun | undefined = started;
  const end = Date.now() + RUN_TIMEOUT_MS;
  while (run && !TERMINAL_STATES.includes(run.state) && Date.now() < end) {
    await sleep(500);
    await workflow.tick();
    run = await workflow.get(started.id);
  }
  const final = run ?? started;
  const steps: DemoStep[] = final.history.map((h) => ({
    name: `${h.step} ${h.status}`,
    at: h.at,
    detail: h.detail,
  }));
  const finalState = TERMINAL_STATES.includes(final.state)
    ? final.state
    : `timed_out_${final.state}`;
  const pr = final.pr ?? null;
  if (pr !== null) {
    const fullName = `${DEMO_REPO.owner}/${DEMO_REPO.repo}`;
    const comments = () => Object.values(stack.sandbox.state.repos[fullName]?.comments ?? {});
    const ask = async (
      body: string,
      match: (text: string) => boolean,
      name: string,
    ): Promise<void> => {
      const id = stack.sandbox.as('dana').comment(fullName, pr, body);
      const reply = await untilValue(
        () => comments().find((c) => c.id > id && c.user.endsWith('[bot]') && match(c.body)),
        60_000,
      );
      steps.push({
        name,
        at: reply?.createdAt ?? new Date().toISOString(),
        detail: reply ? (reply.body.split('\n')[0] ?? '') : 'no reply in time',
      });
    };
    await ask('/ko status', (t) => t.startsWith('### KO status'), 'ko status answered');
    await ask(
      '/ko exec Get-ChildItem -Name',
      (t) => t.startsWith('### KO job'),
      'ko exec result from the runner',
    );
  }
  return {
    pr,
    pr_url:
      pr === null ? null : `${stack.sandbox.url}/${DEMO_REPO.owner}/${DEMO_REPO.repo}/pull/${pr}`,
    steps,
    trace_id: final.trace_id,
    final_state: finalState,
  };
}
