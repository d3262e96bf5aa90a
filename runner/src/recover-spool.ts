import { createHash } from 'node:crypto';
import type { ExecResultBody, StreamSummary } from '../../contracts/ko-v1/generated/ko-v1.ts';
import type { Spool } from './spool.ts';

/**
 * Closes a spooled stream of a job whose process is gone, from the chunks that made it to disk:
 * read and hashed one at a time, so a large lost output is never held in memory whole.
 */
function closeSpooledStream(
  spool: Spool,
  jobId: string,
  stream: 'stdout' | 'stderr',
): StreamSummary {
  const whole = createHash('sha256');
  let bytes = 0;
  let count = 0;
  // A gap ends the stream at the last contiguous chunk; the hub assembles what the summary counts.
  for (let chunk = spool.chunks(jobId, stream, [0])[0]; chunk;) {
    const data = Buffer.from(chunk.data, 'base64');
    whole.update(data);
    bytes += data.length;
    count += 1;
    chunk = spool.chunks(jobId, stream, [count])[0];
  }
  const sha256 = whole.digest('hex');
  if (count === 0) {
    // Closed with one empty chunk rather than 0 chunks: the runner does not know yet whether the
    // hub it will reach takes 0-chunk streams (welcome.omit_empty_streams).
    spool.appendChunk(jobId, {
      transfer_id: `${jobId}.${stream}`,
      job_id: jobId,
      stream,
      seq: 0,
      total: 1,
      offset: 0,
      size: 0,
      sha256,
      data: '',
      whole_sha256: sha256,
      whole_size: 0,
    });
    count = 1;
  }
  return {
    transfer_id: `${jobId}.${stream}`,
    bytes,
    sha256,
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
