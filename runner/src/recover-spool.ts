import { createHash } from 'node:crypto';
import type { ExecResultBody, StreamSummary } from '../../contracts/ko-v1/generated/ko-v1.ts';
import type { Spool } from './spool.ts';

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Closes a spooled stream of a job whose process is gone, from the chunks that made it to disk. */
function closeSpooledStream(
  spool: Spool,
  jobId: string,
  stream: 'stdout' | 'stderr',
): StreamSummary {
  const bySeq = new Map(spool.chunks(jobId, stream).map((c) => [c.seq, c]));
  const parts: Buffer[] = [];
  let count = 0;
  while (bySeq.has(count)) {
    parts.push(Buffer.from(bySeq.get(count)!.data, 'base64'));
    count += 1;
  }
  // With no chunk spooled the stream is empty (chunks: 0); a gap ends it at the last contiguous
  // chunk, and the hub assembles what the summary counts.
  const whole = Buffer.concat(parts);
  return {
    transfer_id: `${jobId}.${stream}`,
    bytes: whole.length,
    sha256: sha256(whole),
    chunks: count,
    truncated: false,
  };
}

/**
 * The result for a job that was running when the runner died: status `lost` (its outcome is
 * unknown; it is never re-run here), with whatever output reached the spool.
 *
 * @example const result = lostJobResult(spool, 'job_1'); spool.finish('job_1', result);
 */
export function lostJobResult(spool: Spool, jobId: string): ExecResultBody {
  return {
    job_id: jobId,
    status: 'lost',
    exit_code: null,
    duration_ms: 0,
    started_at: null,
    finished_at: new Date().toISOString(),
    streams: {
      stdout: closeSpooledStream(spool, jobId, 'stdout'),
      stderr: closeSpooledStream(spool, jobId, 'stderr'),
    },
    error: {
      code: 'RUNNER_RESTARTED',
      message: 'the runner stopped while the job ran; its outcome is unknown',
    },
  };
}
