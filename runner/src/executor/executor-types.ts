import type { Logger } from 'pino';

export type OutputStreamName = 'stdout' | 'stderr';

/**
 * A streaming text transform for one output stream (the masker plugs in here). `push` may hold
 * text back, e.g. the start of what could be a secret split across two reads; `flush` releases
 * whatever is held when the stream ends.
 */
export interface TextTransform {
  push(text: string): string;
  flush(): string;
}

/** Makes one fresh transform per stream, so state never leaks between stdout and stderr. */
export type TextTransformFactory = (stream: OutputStreamName) => TextTransform;

export type ExecStatus = 'succeeded' | 'failed' | 'timed_out' | 'cancelled';

export interface StreamSummary {
  /** Bytes handed to `onOutput` for this stream (after masking, including the truncation notice). */
  bytes: number;
  /** True when the output cap was hit and later output was dropped. */
  truncated: boolean;
}

export interface ExecResult {
  status: ExecStatus;
  /** The engine's exit code; null when it was ended by a signal. */
  exitCode: number | null;
  durationMs: number;
  /** ISO 8601. */
  startedAt: string;
  /** ISO 8601. */
  finishedAt: string;
  streams: Record<OutputStreamName, StreamSummary>;
  /** Why a job did not finish by itself (timeout, cancel, signal). */
  error?: { code: string; message: string };
}

export interface ExecRequest {
  /** Names the job's folder under `dataDir/jobs/`; letters, digits, `.`, `_`, `-` only. */
  jobId: string;
  /** The PowerShell the user wants run (becomes the body of script.ps1). */
  command: string;
  /** The working directory, already resolved and guarded; it must lie inside `root`. */
  cwd: string;
  /** The runner's repository root (`--root`). */
  root: string;
}

export interface ExecOptions {
  /** The pwsh executable (see findPwsh). */
  pwshPath: string;
  /** The runner-owned folder that holds `jobs/<jobId>/script.ps1`. */
  dataDir: string;
  /** Wall-clock limit in ms; 0 or absent means none. */
  timeoutMs?: number;
  /** Cancels the job (status `cancelled`); a JobCancel reason may carry its own grace period. */
  signal?: AbortSignal;
  /** Between the graceful signal and SIGKILL (timeout, and cancels that name none). Default 5,000 ms. */
  graceMs?: number;
  /** How long to wait for pipes after the engine exits (grandchildren may hold them). Default 2,000 ms. */
  pipeWaitMs?: number;
  /** Per-stream output cap in bytes. Default 10 MiB. */
  outputCapBytes?: number;
  /** Called once the engine is running (its pid leads the job's process group on POSIX). */
  onStart?: (info: { pid: number; scriptPath: string }) => void;
  /** Called with each piece of (masked) output while the command runs; must not throw. */
  onOutput?: (stream: OutputStreamName, chunk: Buffer) => void;
  /** Masking hook, one transform per stream. */
  transformText?: TextTransformFactory;
  /**
   * The job's own environment. The engine gets only these, a few fixed settings and the runner
   * variables named by DEFAULT_PASS_ENV plus `passEnv` (job-env.ts); KO_* and names containing
   * TOKEN/SECRET/PASSWORD/KEY never come from the runner.
   */
  env?: Record<string, string>;
  /** More runner variables (names or `PREFIX*`) to pass to jobs, e.g. `['HTTPS_PROXY', 'GIT_*']`. */
  passEnv?: readonly string[];
  logger?: Logger;
}
