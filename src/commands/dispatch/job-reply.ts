import type { Hub } from '../../hub/hub.ts';
import type { Job } from '../../hub/job-types.ts';

const MAX_INLINE_BYTES = 200_000;

async function readStream(hub: Hub, job: Job, stream: 'stdout' | 'stderr'): Promise<string> {
  const bytes = job.result?.streams[stream].bytes ?? 0;
  if (bytes === 0) return '';
  const body = hub.readOutput(job.id, stream, Math.min(bytes, MAX_INLINE_BYTES));
  if (!body) return '';
  const parts: Buffer[] = [];
  for await (const part of body) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/** A fence longer than any backtick run in the text, so output cannot close it early. */
function fenceFor(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

/**
 * The comment for a finished job: state, exit code, and its stdout and stderr in code blocks.
 * Output over 200 KB is cut; `fetchHint` then says where the whole output is, right under the
 * status line (so it survives when the comment is split and the later parts are dropped) and
 * again at the end.
 *
 * @example const body = await formatJobResult(hub, job, 'see GET /ko/v1/jobs/<id>/output');
 */
export async function formatJobResult(hub: Hub, job: Job, fetchHint: string): Promise<string> {
  const result = job.result;
  const lines = [`### KO job \`${job.id}\`: ${job.state}`, ''];
  if (result) {
    lines.push(
      `${result.status} · exit code ${result.exit_code ?? 'none'} · ${job.spec.apply ? 'apply' : 'dry-run'} · runner \`${job.runner_id ?? '?'}\``,
    );
    if (result.error) lines.push('', `${result.error.code}: ${result.error.message}`);
  } else if (job.reason) {
    lines.push(`${job.reason.code}: ${job.reason.message}`);
  }
  const bytes = (stream: 'stdout' | 'stderr'): number => result?.streams[stream].bytes ?? 0;
  const cut = bytes('stdout') > MAX_INLINE_BYTES || bytes('stderr') > MAX_INLINE_BYTES;
  if (cut) {
    const sizes = `${bytes('stdout')} bytes of stdout, ${bytes('stderr')} of stderr`;
    lines.push(
      '',
      `Long output (${sizes}): below are the first ${MAX_INLINE_BYTES} bytes of each; ${fetchHint}.`,
    );
  }
  for (const stream of ['stdout', 'stderr'] as const) {
    const text = await readStream(hub, job, stream);
    if (text === '') continue;
    const fence = fenceFor(text);
    lines.push('', `**${stream}**`, '', `${fence}text`, text.replace(/\n$/, ''), fence);
  }
  if (cut) lines.push('', `Output was cut; ${fetchHint}.`);
  return lines.join('\n');
}
