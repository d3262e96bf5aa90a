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
/** After this long a seq still missing is asked for again (the runner resends its result every 10 s or more). */
const RENACK_AFTER_MS = 5_000;

/**
 * When each missing seq was last asked for, per session and job stream. A result waiting for N
 * chunks is checked again as each one arrives; asking again for those still on their way would
 * make the runner send them again (N nacks of up to N seqs each).
 */
const asked = new WeakMap<RunnerSession, Map<string, Map<number, number>>>();

function askedOf(session: RunnerSession, jobId: string, stream: OutputStream): Map<number, number> {
  let bySession = asked.get(session);
  if (!bySession) asked.set(session, (bySession = new Map()));
  const key = `${jobId}/${stream}`;
  let seqs = bySession.get(key);
  if (!seqs) bySession.set(key, (seqs = new Map()));
  return seqs;
}

/** The seqs of `missing` not asked for on this session in the last RENACK_AFTER_MS; marks them asked. */
function dueForNack(
  session: RunnerSession,
  jobId: string,
  stream: OutputStream,
  missing: number[],
): number[] {
  const seqs = askedOf(session, jobId, stream);
  const now = Date.now();
  const due = missing.filter((seq) => now - (seqs.get(seq) ?? -Infinity) >= RENACK_AFTER_MS);
  for (const seq of due) seqs.set(seq, now);
  return due;
}

function forgetAsked(session: RunnerSession, jobId: string): void {
  for (const stream of STREAMS) asked.get(session)?.delete(`${jobId}/${stream}`);
}

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
    forgetAsked(session, jobId);
    ack(true);
    return;
  }

  const pending = hub.pendingResults.get(jobId);
  const resets = pending?.resets ?? 0;
  const checks = {
    stdout: hub.outputs.check(jobId, 'stdout', body.streams.stdout),
    stderr: hub.outputs.check(jobId, 'stderr', body.streams.stderr),
  };
  let waiting = false;
  for (const stream of STREAMS) {
    const check = checks[stream];
    if (check.state !== 'missing') continue;
    waiting = true;
    const due = dueForNack(session, jobId, stream, check.missing);
    if (due.length > 0) nack(stream, due);
  }
  if (waiting) {
    hub.pendingResults.set(jobId, { session, frame, resets });
    return;
  }

  const mismatches = STREAMS.filter((stream) => checks[stream].state === 'mismatch');
  // A summary of 0 chunks that is not empty cannot be fixed by fetching: nothing is there to fetch.
  const refetch = mismatches.filter((stream) => body.streams[stream].chunks > 0);
  if (refetch.length > 0 && resets < MAX_STREAM_RESETS) {
    for (const stream of refetch) hub.outputs.reset(jobId, stream);
    hub.pendingResults.set(jobId, { session, frame, resets: resets + 1 });
    for (const stream of refetch) {
      const all = Array.from(
        { length: Math.min(body.streams[stream].chunks, NACK_MAX) },
        (_, i) => i,
      );
      askedOf(session, jobId, stream).clear();
      nack(stream, dueForNack(session, jobId, stream, all));
    }
    return;
  }

  hub.pendingResults.delete(jobId);
  forgetAsked(session, jobId);
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
