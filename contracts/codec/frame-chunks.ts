import type { KoFrame } from '../ko-v1/generated/frames.ts';
import { createEnvelope } from './create-envelope.ts';
import { encodeFrame } from './frame-codec.ts';
import { DEFAULT_MAX_FRAME_BYTES, chunkSizeForFrameLimit } from './limits.ts';
import { iterateChunks } from './split-into-chunks.ts';

export interface WireLimits {
  /** From welcome.max_frame_bytes. Default 512 KiB. */
  maxFrameBytes?: number;
  /** From welcome.chunk_size_bytes. Default: the largest that fits maxFrameBytes. */
  chunkSize?: number;
}

/**
 * The text messages that carry one frame: the frame itself when it fits, otherwise exec.chunk
 * frames (stream "frame", transfer_id = the frame's id) holding its UTF-8 JSON text. The chunk
 * frames share the frame's corr_id, trace_id, priority and sensitivity. The receiver assembles
 * them with an Assembler and decodes the whole with decodeFrame.
 *
 * @example for (const text of splitFrameForWire(resultFrame, welcome.body)) ws.send(text);
 */
export function splitFrameForWire(frame: KoFrame, limits: WireLimits = {}): string[] {
  const maxFrameBytes = limits.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const text = encodeFrame(frame, { maxFrameBytes: Number.POSITIVE_INFINITY });
  if (Buffer.byteLength(text, 'utf8') <= maxFrameBytes) return [text];
  const chunkSize = limits.chunkSize ?? chunkSizeForFrameLimit(maxFrameBytes);
  const out: string[] = [];
  for (const body of iterateChunks(Buffer.from(text, 'utf8'), {
    transferId: frame.id,
    chunkSize,
    stream: 'frame',
  })) {
    const chunk = createEnvelope('exec.chunk', body, {
      corrId: frame.corr_id,
      traceId: frame.trace_id,
      ...(frame.priority === undefined ? {} : { priority: frame.priority }),
      ...(frame.sensitivity === undefined ? {} : { sensitivity: frame.sensitivity }),
    });
    out.push(encodeFrame(chunk, { maxFrameBytes }));
  }
  return out;
}
