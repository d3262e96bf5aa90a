import type {
  ExecOptions,
  ExecRequest,
  ExecResult,
  TextTransformFactory,
} from './executor/executor-types.ts';

/** Runs one job (the executor's executeJob; the benchmark passes a no-op). */
export type ExecutePort = (request: ExecRequest, options: ExecOptions) => Promise<ExecResult>;

/** The runner guard's decision on a command, computed on the runner (never taken from the app). */
export interface GuardDecision {
  verdict: 'allow' | 'approval' | 'deny';
  rule: string;
  reason: string;
  /** Which front end(s) parsed the command: `ts`, `pwsh` or `both`. */
  engine?: string;
  /** sha256 of the parsed form (the same for obfuscated variants of one command). */
  parsedFormSha256?: string;
  /** sha256 binding the parsed form to the exact text: an approval must name exactly this. */
  approvalBindingSha256?: string;
}

export type GuardPort = (
  command: string,
  context: { root: string; cwd: string },
) => Promise<GuardDecision>;

/** Resolves a job's working_dir against --root; throws a KoError when it leaves the root. */
export type SandboxPort = (root: string, workingDir: string) => Promise<string>;

export type { TextTransformFactory };
