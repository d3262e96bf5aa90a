import { PreconditionError } from '../../contracts/errors.ts';

/**
 * The error that stops KO from starting on a bad experience file. It never overwrites the file;
 * the hint names both ways out.
 *
 * @example throw corruptStoreError('.ko/experience.json', inspection);
 */
export function corruptStoreError(
  file: string,
  inspection: { problem: string; detail: string; partial?: unknown },
): PreconditionError {
  return new PreconditionError(
    'STORE_CORRUPT',
    `${file} is unusable (${inspection.problem}): ${inspection.detail}`,
    {
      hint:
        `KO did not touch it. Run \`ko store verify\` to see the backups, then \`ko store restore\` ` +
        `(newest valid backup) or \`ko store restore --from FILE\`, or start KO with --recover; ` +
        `the bad file is kept as ${file}.corrupt-<time> (docs/runbook/restore-experience.md)`,
      details: { file, problem: inspection.problem, partial: inspection.partial },
    },
  );
}

/**
 * The main file is gone but backups exist: someone deleted it, so starting empty would silently
 * forget everything.
 *
 * @example throw missingStoreError('.ko/experience.json', 3);
 */
export function missingStoreError(file: string, backupCount: number): PreconditionError {
  return new PreconditionError(
    'STORE_MISSING',
    `${file} does not exist but ${backupCount} backup(s) of it do`,
    {
      hint: 'restore one with `ko store restore` (or start with --recover); delete the backups too if you really want an empty store',
      details: { file, backupCount },
    },
  );
}
