import type { KoFrameByType } from '../../contracts/ko-v1/generated/frames.ts';
import type { Hub } from './hub.ts';
import { TERMINAL_STATES } from './job-types.ts';
import type { OutputStream } from './output-store.ts';
import type { RunnerSession } from './runner-session.ts';
import { createFrame } from './wire.ts';

/** How often a whole stream may fail its sha256 and be fetched again before the job ends with an error. */
const MAX_STREAM_RESETS = 2;
/** A chunk.nack names at most this many seqs (chunk.nack.schema.json). */
const NACK_MAX = 10_000;
const STREAMS = ['stdout', 'stderr'] as const;

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
  const nack = (stream: OutputStream, missing: number[]): void =>
    session.send(
      createFrame(
        'chunk.nack',
        { transfer_id: body.streams[stream].transfer_id, job_id: jobId, missing },
        { corr_id: jobId },
      ),
    );
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
  const checks = {
    stdout: hub.outputs.check(jobId, 'stdout', body.streams.stdout),
    stderr: hub.outputs.check(jobId, 'stderr', body.streams.stderr),
  };
  for (const stream of STREAMS) {
    const check = checks[stream];
    if (check.state === 'missing') {
      hub.pendingResults.set(jobId, { session, frame, resets });
      nack(stream, check.missing);
      return;
    }
  }

  const mismatches = STREAMS.filter((stream) => checks[stream].state === 'mismatch');
  if (mismatches.length > 0 && resets < MAX_STREAM_RESETS) {
    for (const stream of mismatches) hub.outputs.reset(jobId, stream);
    hub.pendingResults.set(jobId, { session, frame, resets: resets + 1 });
    for (const stream of mismatches) {
      const chunks = Math.min(body.streams[stream].chunks, NACK_MAX);
      nack(
        stream,
        Array.from({ length: chunks }, (_, i) => i),
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
