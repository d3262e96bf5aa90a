import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConflictError, PreconditionError } from '../../../contracts/errors.ts';
import { listAuditFiles } from '../../store/audit/audit-files.ts';
import { verifyAuditChain } from '../../store/audit/verify-audit-chain.ts';
import { resolveDataDir } from '../../store/data-dir.ts';
import { EXPERIENCE_FILE } from '../../store/experience-store.ts';
import { readInspected } from '../../store/read-inspected.ts';

/**
 * Adds `ko audit verify [FILES...]`. Without FILES it checks every day file in `<data dir>/audit`
 * from the first record (seq 1) and against the head kept in experience.json, so a cut-off tail
 * shows. Exit 0 when the chain holds; 11 (CONFLICT, AUDIT_CHAIN_BROKEN) when a record disagrees
 * with its hash or its place in the chain: the files conflict with what KO wrote; 10 when a named
 * file cannot be read.
 *
 * @example registerAuditCommands(program); // ko audit verify
 */
export function registerAuditCommands(program: Command): void {
  const audit = program
    .command('audit')
    .description('the hash-chained audit log')
    .option('--data-dir <dir>', 'data folder (default: $KO_DATA_DIR or .ko)');

  audit
    .command('verify')
    .description(
      'check the hash chain and name the first bad record (exit 0 ok, 11 broken, 10 unreadable)',
    )
    .argument(
      '[files...]',
      'audit files to check, in chain order (default: all of <data dir>/audit)',
    )
    .action(async (files: string[], _options: unknown, command: Command) => {
      const dataDir = resolveDataDir(command.optsWithGlobals<{ dataDir?: string }>().dataDir);
      const whole = files.length === 0;
      const paths = whole
        ? await listAuditFiles(join(dataDir, 'audit'))
        : files.map((f) => resolve(f));
      let expectedHead = null;
      if (whole) {
        const store = await readInspected(join(dataDir, EXPERIENCE_FILE));
        if (store.ok) expectedHead = store.document.data.audit_head;
        else
          process.stderr.write(
            `ko: warning: ${EXPERIENCE_FILE} is ${store.problem}; the tail is not checked against the stored head\n`,
          );
      }
      let report;
      try {
        report = await verifyAuditChain(paths, { fromGenesis: whole, expectedHead });
      } catch (error) {
        throw new PreconditionError('AUDIT_FILE_UNREADABLE', (error as Error).message, {
          hint: 'check the file names',
          cause: error,
        });
      }
      if (report.problem) {
        const where =
          report.problem.line > 0
            ? `${report.problem.file}:${report.problem.line}`
            : report.problem.file;
        throw new ConflictError(
          'AUDIT_CHAIN_BROKEN',
          `${where}${report.problem.seq === undefined ? '' : ` (seq ${report.problem.seq})`}: ${report.problem.reason}`,
          {
            hint: `${report.records} record(s) before it verified; KO never rewrites audit records: restore the files from a host backup and keep these for investigation`,
            details: { problem: report.problem },
          },
        );
      }
      const range = report.last ? `seq ${report.firstSeq}..${report.last.seq}` : 'no records';
      const head = expectedHead ? `, head seq ${expectedHead.seq} matches the store` : '';
      process.stdout.write(
        `ok: ${report.records} record(s) in ${report.files} file(s), ${range}${head}\n`,
      );
    });
}
