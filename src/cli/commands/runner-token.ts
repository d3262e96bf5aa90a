import { join } from 'node:path';
import type { Command } from 'commander';
import { resolveDataDir } from '../../hub/data-dir.ts';
import { RunnerTokenStore, type RunnerTokenRecord } from '../../hub/runner-tokens.ts';

function openStore(): RunnerTokenStore {
  return new RunnerTokenStore(join(resolveDataDir(), 'runner-tokens.json'));
}

function publicView(record: RunnerTokenRecord): Omit<RunnerTokenRecord, 'token_sha256'> {
  const { token_sha256: _hash, ...rest } = record;
  return rest;
}

/**
 * Adds `ko runner token create|list|revoke` to the program.
 *
 * @example registerRunnerTokenCommand(program); // ko runner token create --name build-01 --labels windows,ps7
 */
export function registerRunnerTokenCommand(program: Command): void {
  const token = program
    .command('runner')
    .description('manage runners')
    .command('token')
    .description('create, list and revoke runner tokens (stored hashed under KO_DATA_DIR)');

  token
    .command('create')
    .description('create a runner token; it is printed once and cannot be shown again')
    .requiredOption('--name <name>', 'runner name')
    .option('--labels <labels>', 'comma-separated labels, e.g. windows,ps7', '')
    .option('--json', 'print JSON')
    .action(async (opts: { name: string; labels: string; json?: boolean }) => {
      const created = await openStore().create({ name: opts.name, labels: opts.labels.split(',') });
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify({ ...publicView(created.record), token: created.token })}\n`,
        );
        return;
      }
      process.stdout.write(
        `id:     ${created.record.id}\nname:   ${created.record.name}\nlabels: ${created.record.labels.join(',')}\n` +
          `token:  ${created.token}\n\nStore the token now (e.g. in the runner host's secret store); it is not shown again.\n`,
      );
    });

  token
    .command('list')
    .description('list runner tokens (never the tokens themselves)')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const records = openStore().list().map(publicView);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(records)}\n`);
        return;
      }
      for (const r of records) {
        const state = r.revoked_at ? `revoked ${r.revoked_at}` : 'active';
        process.stdout.write(
          `${r.id}\t${r.name}\t${r.labels.join(',') || '-'}\t${r.created_at}\t${state}\n`,
        );
      }
    });

  token
    .command('revoke')
    .description(
      'revoke a runner token; a connected runner using it is refused at its next connect',
    )
    .argument('<id>', 'token id (from list)')
    .action(async (id: string) => {
      const record = await openStore().revoke(id);
      process.stdout.write(`revoked ${record.id} (${record.name}) at ${record.revoked_at}\n`);
    });
}
