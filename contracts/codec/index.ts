// The ko-v1 codec both the hub (src/hub) and the runner (runner/) import. No imports from src/ or
// runner/ here: contracts/ stands alone.
export type * from '../ko-v1/generated/ko-v1.ts';
export type { KoFrame, KoFrameByType } from '../ko-v1/generated/frames.ts';
export { decodeFrame, encodeFrame, PROTOCOL_VERSION } from './frame-codec.ts';
export type { DecodeOptions, EncodeOptions } from './frame-codec.ts';
export { createEnvelope, newTraceId, type EnvelopeOptions } from './create-envelope.ts';
export { errorFrameFor } from './error-frame.ts';
export { KoProtocolError, PROTOCOL_ERROR_CLASS, type ProtocolErrorCode } from './protocol-error.ts';
export { MESSAGE_TYPES, validatorFor, type ValidationMode } from './schema-validators.ts';
export {
  CHUNK_FRAME_OVERHEAD_BYTES,
  DEFAULT_CHUNK_SIZE_BYTES,
  DEFAULT_MAX_FRAME_BYTES,
  base64Length,
  chunkSizeForFrameLimit,
  frameBytesForChunkSize,
} from './limits.ts';
export { sha256Hex } from './sha256.ts';
export { iterateChunks, splitIntoChunks, type ChunkOptions } from './split-into-chunks.ts';
export {
  Assembler,
  type AddOutcome,
  type AssemblerOptions,
  type TransferExpectation,
  type VerifiedWhole,
} from './assembler.ts';
export { MemorySink, type ChunkRecord, type ChunkSink } from './chunk-sink.ts';
export { FileChunkSink, type FileChunkSinkPaths } from './file-chunk-sink.ts';
export { ChunkStreamer, type StreamTotals } from './chunk-streamer.ts';
export { splitFrameForWire, type WireLimits } from './frame-chunks.ts';
