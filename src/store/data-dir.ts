import { resolve } from 'node:path';

/** The data folder when neither --data-dir nor KO_DATA_DIR says otherwise (relative to the working directory). */
const DEFAULT_DATA_DIR = '.ko';

/**
 * The data folder: the --data-dir flag, else KO_DATA_DIR, else `.ko`, as an absolute path.
 *
 * @example resolveDataDir(undefined, { KO_DATA_DIR: '/var/lib/ko' }) // '/var/lib/ko'
 */
export function resolveDataDir(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return resolve(flag ?? (env.KO_DATA_DIR || DEFAULT_DATA_DIR));
}
