import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PreconditionError, TransientError } from '../../../contracts/errors.ts';
import { buildJobScript } from './build-job-script.ts';

const safeJobId = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Writes a job's script as `<dataDir>/jobs/<jobId>/script.ps1`: UTF-8 without a BOM (pwsh 7 reads
 * BOM-less files as UTF-8), header and footer included. Returns the script's path.
 *
 * @example const script = await writeJobScript('/var/lib/ko-runner', 'job-42', 'git status');
 */
export async function writeJobScript(
  dataDir: string,
  jobId: string,
  command: string,
): Promise<string> {
  if (!safeJobId.test(jobId) || jobId.includes('..')) {
    throw new PreconditionError(
      'EXEC_BAD_JOB_ID',
      `job id ${JSON.stringify(jobId)} cannot name a folder`,
      {
        hint: 'use 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit',
      },
    );
  }
  const folder = join(dataDir, 'jobs', jobId);
  const file = join(folder, 'script.ps1');
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    // A Buffer, not a string with an encoding option: nothing can slip a BOM in.
    await writeFile(file, Buffer.from(buildJobScript(command), 'utf8'), { mode: 0o600 });
  } catch (error) {
    throw new TransientError('EXEC_SCRIPT_WRITE_FAILED', `could not write the job script ${file}`, {
      hint: "check that the runner's data folder is writable and the disk is not full",
      cause: error,
    });
  }
  return file;
}
