// Shared setup for the executor's integration tests: a temp runner root and data folder, and a
// runJob helper that collects streamed output. PowerShell 7 is required (findPwsh throws).
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeJob } from '../../../runner/src/executor/execute-job.ts';
import type { ExecOptions, ExecResult } from '../../../runner/src/executor/executor-types.ts';
import { findPwsh } from '../../../runner/src/pwsh/find-pwsh.ts';

export interface JobFixture {
  root: string;
  dataDir: string;
  pwshPath: string;
  run(command: string, options?: Partial<ExecOptions> & { cwd?: string }): Promise<JobRun>;
  cleanup(): void;
}

export interface JobRun {
  /** The job's folder under dataDir/jobs (holds script.ps1). */
  jobDir: string;
  result: ExecResult;
  stdout: string;
  stderr: string;
  chunks: { stream: 'stdout' | 'stderr'; bytes: number }[];
}

let counter = 0;

export function createJobFixture(): JobFixture {
  const pwshPath = findPwsh().path;
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'ko-exec-')));
  const root = join(base, 'repo');
  const dataDir = join(base, 'runner-data');
  mkdirSync(root);
  return {
    root,
    dataDir,
    pwshPath,
    async run(command, options = {}) {
      const out: Record<'stdout' | 'stderr', Buffer[]> = { stdout: [], stderr: [] };
      const chunks: JobRun['chunks'] = [];
      const { cwd, ...rest } = options;
      counter += 1;
      const jobId = `job-${process.pid}-${counter}`;
      const result = await executeJob(
        { jobId, command, cwd: cwd ?? root, root },
        {
          pwshPath,
          dataDir,
          graceMs: 1_000,
          pipeWaitMs: 1_000,
          ...rest,
          onOutput(stream, chunk) {
            out[stream].push(chunk);
            chunks.push({ stream, bytes: chunk.length });
            rest.onOutput?.(stream, chunk);
          },
        },
      );
      return {
        jobDir: join(dataDir, 'jobs', jobId),
        result,
        stdout: Buffer.concat(out.stdout).toString('utf8'),
        stderr: Buffer.concat(out.stderr).toString('utf8'),
        chunks,
      };
    },
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}
