import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { execa } from 'execa';
import { TransientError } from '../../../contracts/errors.ts';
import { assertCwdInsideRoot } from './assert-cwd-inside-root.ts';
import { cancelGraceOf } from './job-cancel.ts';
import { buildJobEnv } from './job-env.ts';
import { createOutputChannel, type OutputChannel } from './output-channel.ts';
import { pwshArgs } from './pwsh-args.ts';
import { signalProcessTree, type StopStage } from './signal-process-tree.ts';
import { writeJobScript } from './write-job-script.ts';
import type {
  ExecOptions,
  ExecRequest,
  ExecResult,
  ExecStatus,
  OutputStreamName,
} from './executor-types.ts';

/** Defaults, visible in one place (each is documented on ExecOptions). */
const executorDefaults = {
  graceMs: 5_000,
  pipeWaitMs: 2_000,
  outputCapBytes: 10 * 1024 * 1024,
} as const;

type StopReason = 'timed_out' | 'cancelled';

/**
 * Runs one job's PowerShell: writes its script (removed again when the job ends), starts pwsh in its own process group inside the
 * root, streams (masked, capped) output, and enforces timeout and cancel on the whole tree.
 * A command that ran and failed is a result, not an error. Throws PreconditionError for a cwd
 * outside the root or a bad job id, TransientError when the engine could not be started.
 *
 * @example
 * const result = await executeJob(
 *   { jobId: 'j1', command: 'git status', cwd: '/srv/repo', root: '/srv/repo' },
 *   { pwshPath: findPwsh().path, dataDir: '/var/lib/ko-runner', timeoutMs: 60_000 },
 * );
 */
export async function executeJob(request: ExecRequest, options: ExecOptions): Promise<ExecResult> {
  const cwd = await assertCwdInsideRoot(request.cwd, request.root);
  const scriptPath = await writeJobScript(options.dataDir, request.jobId, request.command);
  try {
    return await runScript(request, options, cwd, scriptPath);
  } finally {
    // The script is the job's only file here; its result lives in the spool. Without this the
    // runner's data folder grows by one folder per job, forever.
    await rm(dirname(scriptPath), { recursive: true, force: true, maxRetries: 3 }).catch(
      (error: unknown) =>
        options.logger?.warn(
          { err: error, jobId: request.jobId },
          'could not remove the job script',
        ),
    );
  }
}

async function runScript(
  request: ExecRequest,
  options: ExecOptions,
  cwd: string,
  scriptPath: string,
): Promise<ExecResult> {
  const graceMs = options.graceMs ?? executorDefaults.graceMs;
  const pipeWaitMs = options.pipeWaitMs ?? executorDefaults.pipeWaitMs;
  const capBytes = options.outputCapBytes ?? executorDefaults.outputCapBytes;
  const log = options.logger?.child({ jobId: request.jobId });
  const posix = process.platform !== 'win32';

  if (options.signal?.aborted)
    return notStarted('cancelled', 'CANCELLED', 'cancelled before it started');

  const started = performance.now();
  const startedAt = new Date();
  const subprocess = execa(options.pwshPath, pwshArgs(scriptPath), {
    cwd,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    detached: posix, // its own process group, so the whole tree can be signalled
    cleanup: false,
    forceKillAfterDelay: false,
    windowsHide: true,
    // Only allow-listed runner variables reach the job: never the runner's token or secrets.
    extendEnv: false,
    env: buildJobEnv({
      runnerEnv: process.env,
      passEnv: options.passEnv,
      fixed: {
        NO_COLOR: '1',
        POWERSHELL_TELEMETRY_OPTOUT: '1',
        POWERSHELL_UPDATECHECK: 'Off',
      },
      jobEnv: options.env,
    }),
  });
  const pid = subprocess.pid;
  if (pid === undefined) {
    const failure = await subprocess;
    throw new TransientError(
      'EXEC_SPAWN_FAILED',
      `could not start ${options.pwshPath}: ${failure.originalMessage ?? failure.message}`,
      {
        hint: 'check that PowerShell 7 is installed and the host has free processes and memory; the job can be retried',
        cause: failure.cause,
        details: { code: failure.code },
      },
    );
  }
  log?.info({ pid, cwd, scriptPath }, 'job started');
  const engineExit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve) => {
      subprocess.once('exit', (code, signal) => resolve({ code, signal }));
    },
  );

  const channels: Record<OutputStreamName, OutputChannel> = {
    stdout: createOutputChannel({
      stream: 'stdout',
      capBytes,
      transform: options.transformText?.('stdout'),
      onOutput: options.onOutput,
    }),
    stderr: createOutputChannel({
      stream: 'stderr',
      capBytes,
      transform: options.transformText?.('stderr'),
      onOutput: options.onOutput,
    }),
  };
  const pipesClosed = (['stdout', 'stderr'] as const).map(
    (name) =>
      new Promise<void>((resolve) => {
        const pipe = subprocess[name];
        pipe.on('data', (chunk: Buffer) => channels[name].write(chunk));
        pipe.once('close', () => resolve());
      }),
  );

  let stopReason: StopReason | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  let exited = false;
  const stop = (reason: StopReason): void => {
    if (stopReason || exited) return;
    stopReason = reason;
    // A cancel may name its own grace (exec.cancel's grace_ms); a timeout uses the job's.
    const grace =
      (reason === 'cancelled' ? cancelGraceOf(options.signal?.reason) : undefined) ?? graceMs;
    log?.warn({ reason, graceMs: grace }, 'stopping job');
    signalSafely(pid, 'graceful');
    graceTimer = setTimeout(() => {
      log?.warn({ reason, graceMs: grace }, 'grace period over; killing the job');
      signalSafely(pid, 'force');
    }, grace);
  };
  const timeoutTimer = options.timeoutMs
    ? setTimeout(() => stop('timed_out'), options.timeoutMs)
    : undefined;
  const onAbort = (): void => stop('cancelled');
  options.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    options.onStart?.({ pid, scriptPath });
  } catch (error) {
    log?.error({ err: error }, 'onStart threw; the job runs on');
  }

  const { code, signal } = await engineExit;
  exited = true;
  clearTimeout(timeoutTimer);
  clearTimeout(graceTimer);
  options.signal?.removeEventListener('abort', onAbort);
  // The job is over: descendants left in its group (`sleep 100 &`) go with it.
  if (posix) signalSafely(pid, 'force');

  // A grandchild outside the group can still hold the pipes; wait a bounded time, then let go.
  let pipeTimer: NodeJS.Timeout | undefined;
  const drained = await Promise.race([
    Promise.all(pipesClosed).then(() => true),
    new Promise<boolean>((resolve) => (pipeTimer = setTimeout(() => resolve(false), pipeWaitMs))),
  ]);
  clearTimeout(pipeTimer);
  if (!drained) {
    log?.warn({ pipeWaitMs }, 'output pipes still held open after the engine exited; closing them');
    subprocess.stdout.destroy();
    subprocess.stderr.destroy();
  }
  await subprocess; // settles once both pipes are closed; reject: false means it never throws
  channels.stdout.end();
  channels.stderr.end();

  const finishedAt = new Date();
  const status: ExecStatus = stopReason ?? (code === 0 ? 'succeeded' : 'failed');
  const result: ExecResult = {
    status,
    exitCode: code,
    durationMs: Math.round(performance.now() - started),
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    streams: { stdout: channels.stdout.summary(), stderr: channels.stderr.summary() },
  };
  if (stopReason === 'timed_out')
    result.error = { code: 'TIMED_OUT', message: `timed out after ${options.timeoutMs} ms` };
  else if (stopReason === 'cancelled')
    result.error = { code: 'CANCELLED', message: 'cancelled while running' };
  else if (signal)
    result.error = { code: 'KILLED_BY_SIGNAL', message: `the engine was ended by ${signal}` };
  log?.info({ status, exitCode: code, durationMs: result.durationMs }, 'job finished');
  return result;
}

function signalSafely(pid: number, stage: StopStage): void {
  try {
    signalProcessTree(pid, stage);
  } catch {
    // EPERM: the group now belongs to someone else; nothing of ours is left to stop.
  }
}

function notStarted(status: ExecStatus, code: string, message: string): ExecResult {
  const now = new Date().toISOString();
  return {
    status,
    exitCode: null,
    durationMs: 0,
    startedAt: now,
    finishedAt: now,
    streams: { stdout: { bytes: 0, truncated: false }, stderr: { bytes: 0, truncated: false } },
    error: { code, message },
  };
}
