/**
 * Raw bytes per chunk by default: 200 KiB, the seed project's number. It is announced in
 * `welcome.chunk_size_bytes` and configurable because some transports cap a message lower: AWS
 * API Gateway WebSocket allows 128 KB per message (32 KB frames), so behind it the hub announces
 * `chunkSizeForFrameLimit(128 * 1024)` instead.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
 */
export const DEFAULT_CHUNK_SIZE_BYTES = 200 * 1024;

/**
 * Upper bound of everything in an exec.chunk frame except the base64 `data`: envelope fields and
 * chunk metadata with every id at its schema maximum of 128 characters comes to about 1.3 KB.
 */
export const CHUNK_FRAME_OVERHEAD_BYTES = 2048;

/** Bytes of base64 text (with padding) for `rawBytes` raw bytes: 4 characters per 3 bytes. */
export function base64Length(rawBytes: number): number {
  return Math.ceil(rawBytes / 3) * 4;
}

/**
 * The largest encoded exec.chunk frame for a chunk of `chunkSize` raw bytes. `max_frame_bytes`
 * in `welcome` must be at least this.
 *
 * @example frameBytesForChunkSize(200 * 1024) // 275116
 */
export function frameBytesForChunkSize(chunkSize: number): number {
  return base64Length(chunkSize) + CHUNK_FRAME_OVERHEAD_BYTES;
}

/**
 * The largest chunk size in raw bytes whose exec.chunk frame fits in `maxFrameBytes` (a multiple
 * of 3, so no base64 padding is wasted).
 *
 * @example chunkSizeForFrameLimit(128 * 1024) // 96768: fits API Gateway's 128 KB messages
 */
export function chunkSizeForFrameLimit(maxFrameBytes: number): number {
  const dataChars = maxFrameBytes - CHUNK_FRAME_OVERHEAD_BYTES;
  if (dataChars < 4) {
    throw new RangeError(
      `maxFrameBytes ${maxFrameBytes} cannot hold a chunk frame; it must exceed ${CHUNK_FRAME_OVERHEAD_BYTES + 4}`,
    );
  }
  return Math.floor(dataChars / 4) * 3;
}

/**
 * The default frame limit: one full default chunk frame, rounded up to 512 KiB so ordinary
 * frames (a long exec.request, a result with an error) have room too. Frames beyond the limit
 * travel as an exec.chunk transfer with stream "frame".
 */
export const DEFAULT_MAX_FRAME_BYTES = 512 * 1024;
