// generated from contracts/ko-v1/*.schema.json by npm run contracts:gen — do not edit

/**
 * Either direction: the frame ack_of was received and applied (or had already been applied). The runner drops spooled output and results only after this.
 */
export type AckFrame = KoEnvelope & {
  type: 'ack';
  body: AckBody;
};
export type MessageType =
  | 'hello'
  | 'welcome'
  | 'exec.request'
  | 'exec.accepted'
  | 'exec.rejected'
  | 'exec.chunk'
  | 'chunk.nack'
  | 'exec.result'
  | 'exec.cancel'
  | 'heartbeat'
  | 'ack'
  | 'error';
/**
 * An opaque identifier (a UUID in practice): letters, digits and . _ : - only, at most 128 characters.
 */
export type Id = string;
/**
 * A W3C Trace Context trace-id: 32 lowercase hex digits, not all zero (https://www.w3.org/TR/trace-context/#trace-id).
 */
export type TraceId = string;
/**
 * An RFC 3339 date-time, UTC recommended (new Date().toISOString()).
 */
export type Timestamp = string;
/**
 * A capability name, lowercase: e.g. pwsh7, os.windows, git, chunk.stream.
 */
export type Capability = string;
/**
 * How carefully to treat the body: public (may be shown anywhere), internal (logs and dashboard for signed-in roles), secret (never logged in clear, masked in the dashboard). Absent means internal.
 */
export type Sensitivity = 'public' | 'internal' | 'secret';
/**
 * Either direction: the receiver of a transfer asks for chunks again (never arrived, or failed their sha256).
 */
export type ChunkNackFrame = KoEnvelope & {
  type: 'chunk.nack';
  body: ChunkNackBody;
};
/**
 * Either direction: a frame could not be handled. The connection stays open unless the code says otherwise.
 */
export type ErrorFrame = KoEnvelope & {
  type: 'error';
  body: ErrorBody;
};
/**
 * A machine-readable SCREAMING_CASE code; callers branch on it, never on message text.
 */
export type ReasonCode = string;
/**
 * A human-readable line of text.
 */
export type ShortText = string;
/**
 * The exit-code class of contracts/exit-codes.ts.
 */
export type ExitClass = 'OK' | 'PRECONDITION' | 'CONFLICT' | 'TRANSIENT' | 'LOGIC';
/**
 * Runner → hub: the job passed the runner's guard and will run (or dry-run).
 */
export type ExecAcceptedFrame = KoEnvelope & {
  type: 'exec.accepted';
  body: ExecAcceptedBody;
};
/**
 * Hub → runner: stop a job; after grace_ms the runner kills it and reports status cancelled.
 */
export type ExecCancelFrame = KoEnvelope & {
  type: 'exec.cancel';
  body: ExecCancelBody;
};
/**
 * Either direction: one numbered piece of a transfer, used for live command output (stream stdout/stderr) and for any frame too large to send whole (stream frame). See contracts/README.md, Chunking.
 */
export type ExecChunkFrame = KoEnvelope & {
  type: 'exec.chunk';
  body: ExecChunkBody;
};
/**
 * A SHA-256 digest as 64 lowercase hex digits.
 */
export type Sha256Hex = string;
/**
 * Runner → hub: the job will not run; nothing was executed.
 */
export type ExecRejectedFrame = KoEnvelope & {
  type: 'exec.rejected';
  body: ExecRejectedBody;
};
/**
 * Hub → runner: run one PowerShell 7 command. The runner re-checks it with its own guard and answers exec.accepted or exec.rejected.
 */
export type ExecRequestFrame = KoEnvelope & {
  type: 'exec.request';
  body: ExecRequestBody;
};
/**
 * Runner → hub: how a job ended, with a summary of each output stream so the hub can tell whether it holds all the output. The runner resends it until acked; the hub applies it once (idempotency_key).
 */
export type ExecResultFrame = KoEnvelope & {
  type: 'exec.result';
  body: ExecResultBody;
};
/**
 * Runner → hub, every heartbeat_interval_ms: the runner is alive and these jobs are running.
 */
export type HeartbeatFrame = KoEnvelope & {
  type: 'heartbeat';
  body: HeartbeatBody;
};
/**
 * Runner → hub, first frame on every connection: who the runner is, what it can do, and which jobs it still holds output or results for.
 */
export type HelloFrame = KoEnvelope & {
  type: 'hello';
  body: HelloBody;
};
/**
 * Hub → runner, the answer to hello: the session and the limits the runner must respect.
 */
export type WelcomeFrame = KoEnvelope & {
  type: 'welcome';
  body: WelcomeBody;
};

export interface KoV1Schemas {
  AckFrame?: AckFrame;
  ChunkNackFrame?: ChunkNackFrame;
  KoEnvelope?: KoEnvelope;
  ErrorFrame?: ErrorFrame;
  ExecAcceptedFrame?: ExecAcceptedFrame;
  ExecCancelFrame?: ExecCancelFrame;
  ExecChunkFrame?: ExecChunkFrame;
  ExecRejectedFrame?: ExecRejectedFrame;
  ExecRequestFrame?: ExecRequestFrame;
  ExecResultFrame?: ExecResultFrame;
  HeartbeatFrame?: HeartbeatFrame;
  HelloFrame?: HelloFrame;
  WelcomeFrame?: WelcomeFrame;
}
/**
 * Every ko-v1 frame is one JSON text message shaped like this. Each message schema narrows `type` and `body`. id: Unique per frame; acks, nacks and errors point at it. corr_id: Correlates the frames of one flow (a session, a job); equals `id` when a frame starts a flow.
 */
export interface KoEnvelope {
  /**
   * The protocol and its major version. A receiver answers any other value with error KO_UNKNOWN_VERSION.
   */
  protocol_version: 'ko-v1';
  type: MessageType;
  id: Id;
  corr_id: Id;
  trace_id: TraceId;
  sent_at: Timestamp;
  /**
   * Same key, same effect: the receiver applies a frame with a key it has already applied at most once (and acks it again).
   */
  idempotency_key?: string;
  /**
   * Scheduling priority, 0 (lowest) to 9 (highest); higher goes first, equal priorities stay in arrival order. Absent means 5.
   */
  priority?: number;
  /**
   * Capabilities the receiver must have to handle this frame (must-understand). A receiver lacking one refuses the frame with error KO_CAPABILITY_MISSING instead of ignoring it. On exec.request these are the job's requirements of the runner. Absent means none.
   *
   * @maxItems 64
   */
  capabilities?: Capability[];
  sensitivity?: Sensitivity;
  /**
   * The message; its schema depends on `type`.
   */
  body: {};
}
/**
 * ack_of: The id of the acknowledged frame. transfer_id: Set when acking a whole transfer (all chunks assembled and verified).
 */
export interface AckBody {
  ack_of: Id;
  job_id?: Id;
  transfer_id?: Id;
  /**
   * True when the frame had already been applied (same idempotency_key); nothing was done again.
   */
  duplicate?: boolean;
}
export interface ChunkNackBody {
  transfer_id: Id;
  job_id?: Id;
  /**
   * The seq numbers to send again, ascending.
   *
   * @minItems 1
   * @maxItems 10000
   */
  missing: number[];
}
/**
 * code: e.g. KO_FRAME_SCHEMA, KO_UNKNOWN_VERSION; see contracts/README.md. offending_id: The id of the frame that caused this, when it could be read. hint: What the sender should do about it.
 */
export interface ErrorBody {
  code: ReasonCode;
  message: ShortText;
  offending_id?: Id;
  /**
   * True only for the TRANSIENT class: sending the same frame again later may work.
   */
  retryable: boolean;
  exit_class?: ExitClass;
  hint?: ShortText;
  /**
   * Structured details (e.g. the schema path that failed); never secrets.
   */
  details?: {
    [k: string]: unknown | undefined;
  };
}
export interface ExecAcceptedBody {
  job_id: Id;
}
export interface ExecCancelBody {
  job_id: Id;
  reason: ShortText;
  grace_ms: number;
}
/**
 * transfer_id: One per byte stream; every chunk of it carries the same id. job_id: Set for command output. sha256: SHA-256 of this chunk's raw bytes. whole_sha256: SHA-256 of the whole transfer; present exactly when total is.
 */
export interface ExecChunkBody {
  transfer_id: Id;
  job_id?: Id;
  /**
   * stdout/stderr: command output; frame: the UTF-8 JSON text of one oversized ko-v1 frame.
   */
  stream: 'stdout' | 'stderr' | 'frame';
  /**
   * 0-based chunk number.
   */
  seq: number;
  /**
   * Number of chunks in the transfer, or null while a live stream is still being produced. The last chunk of a live stream carries it; a split of a known payload carries it on every chunk.
   */
  total: number | null;
  /**
   * Byte offset of this chunk's first byte in the whole.
   */
  offset: number;
  /**
   * Raw bytes in this chunk (before base64).
   */
  size: number;
  sha256: Sha256Hex;
  /**
   * The raw bytes, base64 (RFC 4648, with padding).
   */
  data: string;
  whole_sha256?: Sha256Hex;
  /**
   * Raw bytes of the whole transfer; present exactly when total is.
   */
  whole_size?: number;
}
export interface ExecRejectedBody {
  job_id: Id;
  reason_code: ReasonCode;
  message: ShortText;
  guard?: GuardVerdict;
}
/**
 * The runner guard's decision, when the guard is why the job was refused.
 */
export interface GuardVerdict {
  verdict: 'allow' | 'deny' | 'needs_approval';
  rule: string;
  reason: ShortText;
}
export interface ExecRequestBody {
  job_id: Id;
  /**
   * PowerShell 7 script text.
   */
  command: string;
  /**
   * Relative to the runner's repository root, forward or back slashes; never absolute, never climbing out with '..'. The runner enforces this again after resolving links.
   */
  working_dir: string;
  timeout_ms: number;
  /**
   * Plan only: parse, guard and report what would run, change nothing.
   */
  dry_run: boolean;
  /**
   * Allow changes. Only valid with dry_run false.
   */
  apply: boolean;
  /**
   * Extra environment variables for the command.
   */
  env: {
    [k: string]: string | undefined;
  };
  /**
   * Per stream; output beyond it is dropped and the stream marked truncated.
   */
  output_cap_bytes: number;
  /**
   * True when running the command twice is harmless, so a lost job may be re-run.
   */
  idempotent: boolean;
  approval?: ExecApproval;
}
/**
 * Present when a second person approved this command. binding_sha256 is the guard's approval_binding_sha256 (parsed form plus exact text); the runner recomputes it for the command it received and runs only on an exact match.
 */
export interface ExecApproval {
  id: Id;
  /**
   * Login of the person who approved (never the requester).
   */
  approved_by: string;
  binding_sha256: Sha256Hex;
}
export interface ExecResultBody {
  job_id: Id;
  /**
   * lost: the runner restarted and cannot tell how the job ended.
   */
  status: 'succeeded' | 'failed' | 'timed_out' | 'cancelled' | 'rejected' | 'dry_run' | 'lost';
  /**
   * The process exit code; null when no process ran or it was killed.
   */
  exit_code: number | null;
  duration_ms: number;
  /**
   * null when the command never started.
   */
  started_at: Timestamp | null;
  finished_at: Timestamp;
  streams: ExecStreams;
  error?: ExecResultError;
}
export interface ExecStreams {
  stdout: StreamSummary;
  stderr: StreamSummary;
}
/**
 * sha256: SHA-256 of the bytes kept.
 */
export interface StreamSummary {
  transfer_id: Id;
  /**
   * Bytes kept (after output_cap_bytes).
   */
  bytes: number;
  sha256: Sha256Hex;
  /**
   * Chunks in the transfer, final marker included: the total the hub assembles against. 0 for a stream that produced no bytes, sent only to a hub whose welcome says omit_empty_streams: it is not transferred at all (bytes 0, sha256 of nothing).
   */
  chunks: number;
  /**
   * True when output went over output_cap_bytes.
   */
  truncated: boolean;
}
/**
 * Why the runner could not run or finish the command (not the command's own failure).
 */
export interface ExecResultError {
  code: ReasonCode;
  message: ShortText;
}
export interface HeartbeatBody {
  /**
   * @maxItems 1000
   */
  running_jobs: Id[];
  load?: RunnerLoad;
}
export interface RunnerLoad {
  cpu_percent?: number;
  memory_percent?: number;
}
/**
 * runner_id: Stable across restarts and reconnects.
 */
export interface HelloBody {
  runner_id: Id;
  name: string;
  /**
   * The ko-runner version.
   */
  version: string;
  os: RunnerOs;
  shell: RunnerShell;
  /**
   * @maxItems 64
   */
  capabilities: Capability[];
  /**
   * Free-form routing labels chosen by the operator (like GitHub runner labels).
   *
   * @maxItems 64
   */
  labels: string[];
  /**
   * How many jobs the runner runs at once.
   */
  concurrency: number;
  /**
   * Jobs whose output or result the runner still holds (spooled, not yet acked by the hub).
   *
   * @maxItems 1000
   */
  resume_jobs: ResumeJob[];
}
export interface RunnerOs {
  /**
   * process.platform of the runner.
   */
  platform: string;
  release: string;
  arch: string;
}
export interface RunnerShell {
  /**
   * e.g. pwsh.
   */
  name: string;
  /**
   * e.g. 7.4.6.
   */
  version: string;
}
export interface ResumeJob {
  job_id: Id;
  /**
   * Per stream, the highest chunk seq sent before the connection dropped; -1 when none was sent.
   */
  last_seq_sent: {
    stdout: number;
    stderr: number;
  };
  /**
   * True when the job finished and its exec.result waits for an ack.
   */
  has_result: boolean;
}
export interface WelcomeBody {
  session_id: Id;
  /**
   * Raw (pre-base64) bytes per exec.chunk. Default 204800 (200 KiB); lower it behind gateways that cap messages (AWS API Gateway: 128 KB).
   */
  chunk_size_bytes: number;
  heartbeat_interval_ms: number;
  /**
   * The largest frame (UTF-8 bytes of the JSON text) either side may send; must hold one full exec.chunk frame of chunk_size_bytes.
   */
  max_frame_bytes: number;
  server_version: string;
  /**
   * true: the hub takes exec.result stream summaries with chunks 0, so a runner sends no chunk for a stream that produced nothing. Absent or false (older hubs): every stream is sent, an empty one as one empty chunk.
   */
  omit_empty_streams?: boolean;
}
