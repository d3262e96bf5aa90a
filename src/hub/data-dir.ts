import { resolve } from 'node:path';

/**
 * The folder KO keeps its state in: `KO_DATA_DIR`, else `.ko/` under the working directory.
 *
 * @example const file = join(resolveDataDir(), 'runner-tokens.json');
 */
export function resolveDataDir(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): string {
  const fromEnv = env['KO_DATA_DIR'];
  return resolve(cwd, fromEnv && fromEnv.trim() !== '' ? fromEnv : '.ko');
}
