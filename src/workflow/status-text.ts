import type { ApprovalItem } from '../approvals/approval-types.ts';
import type { WorkflowRun } from './workflow-types.ts';

const STATE_TEXT: Readonly<Record<WorkflowRun['state'], string>> = {
  running: '🔄 running',
  waiting_checks: '⏳ waiting for checks',
  waiting_approval: '✋ waiting for approval',
  merged: '✅ merged',
  planned: '📝 planned (dry-run)',
  failed: '❌ failed',
  aborted: '🛑 aborted',
  conflict: '⚠️ conflict',
  withdrawn: '↩️ withdrawn',
};

/**
 * The `/ko status` answer for a PR: its workflow runs (newest first) with their last steps, and
 * the approvals waiting on it.
 *
 * @example statusText('acme/app', 12, runs, pending); // '### KO status for acme/app#12 ...'
 */
export function statusText(
  repo: string,
  pr: number,
  runs: readonly WorkflowRun[],
  pending: readonly ApprovalItem[],
): string {
  const lines = [`### KO status for ${repo}#${pr}`, ''];
  if (runs.length === 0) lines.push('No workflow has run on this PR.');
  for (const run of runs.slice(0, 5)) {
    const mode = run.apply ? 'apply' : 'dry-run';
    lines.push(
      `**${run.kind}** run \`${run.id}\` (${mode}, ${run.trigger} by @${run.requested_by}): ${STATE_TEXT[run.state]}, step \`${run.step}\`${run.reason ? ` — ${run.reason}` : ''}`,
    );
    const retries = run.history.filter((entry) => entry.status === 'retried');
    const lastRetry = retries.at(-1);
    if (lastRetry !== undefined && !run.history.slice(-4).includes(lastRetry)) {
      lines.push(`- retried ${retries.length}×, last: ${lastRetry.at} ${lastRetry.detail}`);
    }
    for (const entry of run.history.slice(-4)) {
      lines.push(`- ${entry.at} \`${entry.step}\` ${entry.status}: ${entry.detail}`);
    }
    if (run.last_error) lines.push(`- last error (will retry): ${run.last_error}`);
    lines.push(`- trace: \`${run.trace_id}\``, '');
  }
  if (runs.length > 5) lines.push(`… and ${runs.length - 5} older runs.`, '');
  if (pending.length > 0) {
    lines.push('**Pending approvals**');
    for (const item of pending) {
      lines.push(
        `- \`${item.id}\` ${item.summary}, asked by @${item.requester}, expires ${item.expires_at}: \`/ko approve ${item.id}\` or \`/ko abort ${item.id}\``,
      );
    }
  }
  return lines.join('\n').trimEnd();
}
