import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { destination } from 'pino';
import { PreconditionError } from '../../../contracts/errors.ts';
import { readLogLevel } from '../../config/read-env-options.ts';
import { resolveDataDir } from '../../store/data-dir.ts';
import {
  backupStore,
  listStoreFiles,
  migrateStoreToSqlite,
  restoreStore,
  verifyStore,
  type FileStatus,
} from '../../store/store-commands.ts';
import { createLogger } from '../../telemetry/logger.ts';

function print(rows: FileStatus[]): void {
  for (const row of rows)
    process.stdout.write(
      `${row.kind.padEnd(8)} ${row.name.padEnd(50)} ${String(row.size).padStart(9)}  ${row.status}\n`,
    );
}

function dataDirOf(command: Command): string {
  return resolveDataDir(command.optsWithGlobals<{ dataDir?: string }>().dataDir);
}

/**
 * Adds `ko store verify | backup | list-backups | restore [--from FILE] | migrate --to sqlite`.
 * The data folder comes from --data-dir, else KO_DATA_DIR, else `.ko`.
 *
 * @example registerStoreCommands(program); // ko store verify --data-dir /var/lib/ko
 */
export function registerStoreCommands(program: Command): void {
  const store = program
    .command('store')
    .description('check, back up, restore and migrate the experience store (experience.json)')
    .option('--data-dir <dir>', 'data folder (default: $KO_DATA_DIR or .ko)');

  store
    .command('verify')
    .description(
      'check experience.json (schema, checksum) and list its backups; exit 10 when it is unusable',
    )
    .action(async (_options: unknown, command: Command) => {
      print(await verifyStore(dataDirOf(command)));
      process.stdout.write('experience.json is valid\n');
    });

  store
    .command('backup')
    .description('take a backup of experience.json now')
    .action(async (_options: unknown, command: Command) => {
      process.stdout.write(`${await backupStore(dataDirOf(command))}\n`);
    });

  store
    .command('list-backups')
    .description(
      'list experience.json, its backups and quarantined (.corrupt-) files, newest first, with their state',
    )
    .action(async (_options: unknown, command: Command) => {
      print(await listStoreFiles(dataDirOf(command)));
    });

  store
    .command('restore')
    .description(
      'replace experience.json with the newest valid backup, or with --from FILE; the current file is kept aside',
    )
    .option('--from <file>', 'restore this file instead of the newest valid backup')
    .action(async (options: { from?: string }, command: Command) => {
      const logger = createLogger({
        service: 'ko-cli',
        level: readLogLevel(process.env, 'warn'),
        primary: destination(2),
      });
      const report = await restoreStore(
        dataDirOf(command),
        options.from === undefined ? undefined : resolve(options.from),
        logger,
      );
      process.stdout.write(
        `restored from ${report.restoredFrom} (write_seq ${report.restoredWriteSeq}, written ${report.restoredWrittenAt})\n` +
          `previous file: ${report.previousState}${report.previousKeptAs ? `, kept as ${report.previousKeptAs}` : ''}\n` +
          report.skippedBackups
            .map((s) => `skipped invalid backup ${s.name}: ${s.problem}\n`)
            .join('') +
          `lost: ${report.lost}\n`,
      );
    });

  store
    .command('migrate')
    .description('copy experience.json into SQLite (first draft), read it back and compare')
    .requiredOption('--to <engine>', 'target engine; only "sqlite" for now')
    .option('--out <file>', 'SQLite file to create (default: <data dir>/experience.sqlite)')
    .action(async (options: { to: string; out?: string }, command: Command) => {
      if (options.to !== 'sqlite') {
        throw new PreconditionError(
          'STORE_MIGRATE_TARGET',
          `cannot migrate to ${JSON.stringify(options.to)}`,
          { hint: 'use --to sqlite' },
        );
      }
      const dataDir = dataDirOf(command);
      const result = await migrateStoreToSqlite(
        dataDir,
        options.out === undefined ? join(dataDir, 'experience.sqlite') : resolve(options.out),
      );
      process.stdout.write(
        `wrote ${result.out}: ${result.tables.length} tables, ${result.rows} rows; read back and compared equal\n`,
      );
    });
}
