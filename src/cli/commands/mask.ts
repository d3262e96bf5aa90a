import type { Command } from 'commander';
import { createMasker } from '../../telemetry/mask.ts';
import { createStreamMasker } from '../../telemetry/stream-masker.ts';

/**
 * The environment variables whose values `ko mask` masks, besides the built-in secret shapes
 * (GitHub tokens, private keys, bearer tokens, JWTs, AWS keys, URL passwords).
 */
const MASK_SECRET_VARIABLES = [
  'WEBHOOK_SECRET',
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'PRIVATE_KEY',
] as const;

/**
 * The configured secret values in `env`: the variables above plus KO_SECRETS (comma-separated).
 *
 * @example secretsFromEnv({ KO_SECRETS: 'a-long-secret,another-one' }) // ['a-long-secret', 'another-one']
 */
function secretsFromEnv(env: NodeJS.ProcessEnv): string[] {
  const listed = (env['KO_SECRETS'] ?? '').split(',').map((value) => value.trim());
  const named = MASK_SECRET_VARIABLES.map((name) => env[name] ?? '');
  // PRIVATE_KEY in .env style carries "\n" escapes; mask the real key text too.
  const key = env['PRIVATE_KEY']?.replaceAll('\\n', '\n') ?? '';
  return [...named, key, ...listed].filter((value) => value.trim() !== '');
}

/**
 * Adds `ko mask`: stdin → masked stdout, as the logger masks, piece by piece (a secret split
 * across reads is still found), so masking can be checked from outside.
 *
 * @example registerMaskCommand(program); // echo "token ghp_…" | ko mask
 */
export function registerMaskCommand(program: Command): void {
  program
    .command('mask')
    .description(
      `copy stdin to stdout with secrets masked (token shapes, plus the values of ${MASK_SECRET_VARIABLES.join(', ')} and KO_SECRETS)`,
    )
    .action(async () => {
      const stream = createStreamMasker(createMasker({ secrets: secretsFromEnv(process.env) }));
      process.stdin.setEncoding('utf8');
      for await (const piece of process.stdin as AsyncIterable<string>) {
        const out = stream.write(piece);
        if (out !== '' && !process.stdout.write(out))
          await new Promise((done) => process.stdout.once('drain', done));
      }
      process.stdout.write(stream.flush());
    });
}
