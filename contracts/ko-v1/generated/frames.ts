// generated from contracts/ko-v1/*.schema.json by npm run contracts:gen — do not edit

import type {
  AckFrame,
  ChunkNackFrame,
  ErrorFrame,
  ExecAcceptedFrame,
  ExecCancelFrame,
  ExecChunkFrame,
  ExecRejectedFrame,
  ExecRequestFrame,
  ExecResultFrame,
  HeartbeatFrame,
  HelloFrame,
  WelcomeFrame,
} from './ko-v1.ts';

/** Any ko-v1 frame. */
export type KoFrame =
  | AckFrame
  | ChunkNackFrame
  | ErrorFrame
  | ExecAcceptedFrame
  | ExecCancelFrame
  | ExecChunkFrame
  | ExecRejectedFrame
  | ExecRequestFrame
  | ExecResultFrame
  | HeartbeatFrame
  | HelloFrame
  | WelcomeFrame;

/** The frame type for each message type. */
export interface KoFrameByType {
  ack: AckFrame;
  'chunk.nack': ChunkNackFrame;
  error: ErrorFrame;
  'exec.accepted': ExecAcceptedFrame;
  'exec.cancel': ExecCancelFrame;
  'exec.chunk': ExecChunkFrame;
  'exec.rejected': ExecRejectedFrame;
  'exec.request': ExecRequestFrame;
  'exec.result': ExecResultFrame;
  heartbeat: HeartbeatFrame;
  hello: HelloFrame;
  welcome: WelcomeFrame;
}

/** The schema file of each message type, relative to contracts/ko-v1. */
export const SCHEMA_FILE_BY_TYPE = {
  ack: 'ack.schema.json',
  'chunk.nack': 'chunk.nack.schema.json',
  error: 'error.schema.json',
  'exec.accepted': 'exec.accepted.schema.json',
  'exec.cancel': 'exec.cancel.schema.json',
  'exec.chunk': 'exec.chunk.schema.json',
  'exec.rejected': 'exec.rejected.schema.json',
  'exec.request': 'exec.request.schema.json',
  'exec.result': 'exec.result.schema.json',
  heartbeat: 'heartbeat.schema.json',
  hello: 'hello.schema.json',
  welcome: 'welcome.schema.json',
} as const;
