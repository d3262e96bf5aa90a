import { resolve } from 'node:path';
import type { Command } from 'commander';
import { PreconditionError } from '../../../contracts/errors.ts';
import { resolveDataDir } from '../../store/data-dir.ts';
import { formatTimeline, readTimeline } from '../../workflow/trace-timeline.ts';

const TRACE_ID = /^[0-9a-f]{32}$/;

/**
 * Adds `ko trace <trace-id> [--log FILE]... [--json]`: the story of one trace (a workflow run, a
 * webhook) in time order, from the audit log and the log files of the data folder
 * (`<data dir>/logs/*.jsonl`, which holds the JSONL fallback) plus any `--log` file. Exit 10 when
 * nothing carries the id.
 *
 * @example registerTraceCommand(program); // ko trace 4bf92f3577b34da6a3ce929d0e0e4736 --log app.log
 */
export function registerTraceCommand(program: Command): void {
  program
    .command('trace')
    .description(
      'print everything recorded under a trace id (audit records and log lines), in order',
    )
    .argument('<trace-id>', '32 hex characters, as in trace_id of a log line or audit record')
    .option('--data-dir <dir>', 'data folder (default: $KO_DATA_DIR or .ko)')
    .option(
      '--log <file>',
      'another JSON-lines log file to read (repeatable)',
      (value: string, previous: string[]) => [...previous, resolve(value)],
      [] as string[],
    )
    .option('--json', 'one JSON object per event instead of text')
    .action(
      async (traceId: string, options: { dataDir?: string; log: string[]; json?: boolean }) => {
        const id = traceId.trim().toLowerCase();
        if (!TRACE_ID.test(id)) {
          throw new PreconditionError('TRACE_ID_INVALID', `"${traceId}" is not a trace id`, {
            hint: 'pass the 32 hex characters of trace_id (the PR body and /ko status show it)',
          });
        }
        const dataDir = resolveDataDir(options.dataDir);
        const entries = await readTimeline({ dataDir, traceId: id, logFiles: options.log });
        if (entries.length === 0) {
          throw new PreconditionError(
            'TRACE_NOT_FOUND',
            `nothing recorded under trace ${id} in ${dataDir}`,
            {
              hint: 'check --data-dir (or KO_DATA_DIR) and pass the app log with --log FILE',
            },
          );
        }
        const text = options.json
          ? entries
              .map((e) =>
                JSON.stringify({ time: e.time, source: e.source, where: e.where, ...e.record }),
              )
              .join('\n')
          : formatTimeline(entries);
        process.stdout.write(`${text}\n`);
      },
    );
}
