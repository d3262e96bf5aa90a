import { createHash } from 'node:crypto';
import type { ExecChunkBody } from '../ko-v1/generated/ko-v1.ts';
import { DEFAULT_CHUNK_SIZE_BYTES } from './limits.ts';
import { sha256Hex } from './sha256.ts';

export interface ChunkOptions {
  /** Every chunk of the transfer carries it. */
  transferId: string;
  /** Raw bytes per chunk (before base64). Default DEFAULT_CHUNK_SIZE_BYTES. */
  chunkSize?: number;
  /** Default 'frame'. */
  stream?: ExecChunkBody['stream'];
  jobId?: string;
}

/** Checks a chunk size and returns it (or the default). */
export function resolveChunkSize(chunkSize: number | undefined): number {
  const size = chunkSize ?? DEFAULT_CHUNK_SIZE_BYTES;
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`chunkSize must be a positive integer, got ${String(chunkSize)}`);
  }
  return size;
}

/**
 * Yields the exec.chunk bodies of a payload whose length is known, one at a time, so a large
 * payload never exists twice in base64. Every chunk carries total, whole_sha256 and whole_size.
 * An empty payload is one empty chunk, so every transfer has at least one.
 *
 * @example for (const body of iterateChunks(bytes, { transferId })) ws.send(encodeFrame(createEnvelope('exec.chunk', body)));
 */
export function* iterateChunks(payload: Buffer, options: ChunkOptions): Generator<ExecChunkBody> {
  const chunkSize = resolveChunkSize(options.chunkSize);
  const total = Math.max(1, Math.ceil(payload.length / chunkSize));
  const wholeSha256 = createHash('sha256').update(payload).digest('hex');
  for (let seq = 0; seq < total; seq++) {
    const offset = seq * chunkSize;
    const piece = payload.subarray(offset, Math.min(offset + chunkSize, payload.length));
    yield {
      transfer_id: options.transferId,
      ...(options.jobId === undefined ? {} : { job_id: options.jobId }),
      stream: options.stream ?? 'frame',
      seq,
      total,
      offset,
      size: piece.length,
      sha256: sha256Hex(piece),
      data: piece.toString('base64'),
      whole_sha256: wholeSha256,
      whole_size: payload.length,
    };
  }
}

/**
 * All exec.chunk bodies of a payload at once (see iterateChunks for large payloads).
 *
 * @example const chunks = splitIntoChunks(Buffer.from(text), { transferId: 't-1', chunkSize: 96_768 });
 */
export function splitIntoChunks(payload: Buffer, options: ChunkOptions): ExecChunkBody[] {
  return [...iterateChunks(payload, options)];
}
