import type { KoFrameByType } from '../../contracts/ko-v1/generated/frames.ts';
import type { Hub } from './hub.ts';
import { TERMINAL_STATES } from './job-types.ts';
import type { RunnerSession } from './runner-session.ts';
import { createFrame } from './wire.ts';

/** How often a whole stream may fail its sha256 and be fetched again before the job ends with an error. */
const MAX_STREAM_RESETS = 2;

/**
 * Applies an exec.result at most once: every chunk the result counts must be stored (missing
 * ones are re-requested with chunk.nack and the result waits), each stream's sha256 must match
 * what was assembled, the output is fsynced, then the job completes and the runner gets its ack.
 * A repeated result for a finished job is only acked again (`duplicate: true`).
 *
 * @example await completeResult(hub, session, resultFrame);
 */
export async function completeResult(
  hub: Hub,
  session: RunnerSession,
  frame: KoFrameByType['exec.result'],
): Promise<void> {
  const body = frame.body;
  const jobId = body.job_id;
  const ack = (duplicate: boolean): void =>
    session.send(
      createFrame('ack', { ack_of: frame.id, job_id: jobId, duplicate }, { corr_id: jobId }),
    );

  const job = await hub.queue.get(jobId);
  if (
    !job ||
    job.runner_id !== session.runnerId ||
    (TERMINAL_STATES.has(job.state) && job.state !== 'lost')
  ) {
    hub.pendingResults.delete(jobId);
    ack(true);
    return;
  }

  const pending = hub.pendingResults.get(jobId);
  const resets = pending?.resets ?? 0;
  for (const stream of ['stdout', 'stderr'] as const) {
    const summary = body.streams[stream];
    const missing = hub.outputs.missing(jobId, stream, summary.chunks);
    if (missing.length > 0) {
      hub.pendingResults.set(jobId, { session, frame, resets });
      session.send(
        createFrame(
          'chunk.nack',
          { transfer_id: summary.transfer_id, job_id: jobId, missing },
          { corr_id: jobId },
        ),
      );
      return;
    }
  }

  const mismatches: string[] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    const summary = body.streams[stream];
    const actual = hub.outputs.digest(jobId, stream, summary.bytes);
    if (actual.sha256 !== summary.sha256 || actual.bytes !== summary.bytes) mismatches.push(stream);
  }
  if (mismatches.length > 0 && resets < MAX_STREAM_RESETS) {
    for (const stream of mismatches) hub.outputs.reset(jobId, stream as 'stdout' | 'stderr');
    hub.pendingResults.set(jobId, { session, frame, resets: resets + 1 });
    for (const stream of mismatches) {
      const summary = body.streams[stream as 'stdout' | 'stderr'];
      const all = Array.from({ length: Math.min(summary.chunks, 10_000) }, (_, i) => i);
      session.send(
        createFrame(
          'chunk.nack',
          { transfer_id: summary.transfer_id, job_id: jobId, missing: all },
          { corr_id: jobId },
        ),
      );
    }
    return;
  }

  hub.pendingResults.delete(jobId);
  await hub.outputs.flush(jobId);
  const result =
    mismatches.length === 0
      ? body
      : {
          ...body,
          error: {
            code: 'OUTPUT_HASH_MISMATCH',
            message: `assembled ${mismatches.join(', ')} did not match the runner's sha256 after ${resets} refetches`,
          },
        };
  const updated = await hub.queue.transition(jobId, ['dispatched', 'running', 'lost'], {
    state: 'completed',
    result,
    lease_expires_at: null,
    reason: null,
  });
  if (!updated) {
    ack(true);
    return;
  }
  hub.jobFinished(session, updated);
  ack(false);
}
