import { DEFAULT_CHUNK_SIZE_BYTES } from '../../contracts/codec/limits.ts';
import type { Logger } from 'pino';
import type { JobQueue } from './job-queue.ts';
import type { RunnerTokenStore } from './runner-tokens.ts';

/** Options of `attachHub`; every default is in HUB_DEFAULTS below. */
export interface HubOptions {
  /** Folder for the queue log and job outputs (KO_DATA_DIR). Required. */
  dataDir: string;
  /** Runner tokens (default: `<dataDir>/runner-tokens.json`). */
  tokens?: RunnerTokenStore;
  /** The job queue (default: the file queue in `<dataDir>`). */
  queue?: JobQueue;
  logger?: Logger;
  /** WebSocket path. Default '/ko/v1/runners'. */
  path?: string;
  /** Raw output bytes per exec.chunk, announced in welcome. Default 200 KiB (contracts/codec/limits.ts). */
  chunkSizeBytes?: number;
  /**
   * ws maxPayload: frames above it close the socket with 1009. Default 1 MiB: a 200 KB chunk is
   * ~267 KB in base64, plus envelope; ws's own default (100 MiB) would let one runner pin memory.
   */
  maxFrameBytes?: number;
  /** ws ping and expected runner heartbeat interval. Default 15 s. */
  heartbeatIntervalMs?: number;
  /** No frame and no pong for this long marks a runner gone. Default 3 × heartbeat. */
  heartbeatTimeoutMs?: number;
  /** How long a dropped runner has to come back before its jobs are lost. Default 60 s. */
  leaseMs?: number;
  /** Hard upper bound on jobs per runner, whatever its hello says. Default 16. */
  maxConcurrencyPerRunner?: number;
  /** Default job timeout sent in exec.request. Default 30 min. */
  defaultTimeoutMs?: number;
  /** Output cap per stream sent in exec.request. Default 10 MiB. */
  outputCapBytes?: number;
  /** Grace period sent with exec.cancel. Default 5 s. */
  cancelGraceMs?: number;
  /** Operator tokens for the exec API (the app passes KO_OPERATOR_TOKEN); none: the API answers 503. */
  operatorTokens?: string[];
}

export const HUB_DEFAULTS = {
  path: '/ko/v1/runners',
  chunkSizeBytes: DEFAULT_CHUNK_SIZE_BYTES,
  maxFrameBytes: 1024 * 1024,
  heartbeatIntervalMs: 15_000,
  leaseMs: 60_000,
  maxConcurrencyPerRunner: 16,
  defaultTimeoutMs: 30 * 60_000,
  outputCapBytes: 10 * 1024 * 1024,
  cancelGraceMs: 5_000,
} as const;
