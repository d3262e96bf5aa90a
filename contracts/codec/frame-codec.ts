import type { ErrorObject } from 'ajv';
import type { KoFrame } from '../ko-v1/generated/frames.ts';
import type { MessageType } from '../ko-v1/generated/ko-v1.ts';
import { DEFAULT_MAX_FRAME_BYTES } from './limits.ts';
import { KoProtocolError } from './protocol-error.ts';
import { MESSAGE_TYPES, validatorFor, type ValidationMode } from './schema-validators.ts';

export const PROTOCOL_VERSION = 'ko-v1';

export interface DecodeOptions {
  /** Frames larger than this (UTF-8 bytes) are refused before parsing. Default 512 KiB. */
  maxFrameBytes?: number;
  /** Default 'tolerant': unknown fields are dropped, see contracts/README.md. */
  mode?: ValidationMode;
  /** When set, a frame requiring a capability outside this list is refused (KO_CAPABILITY_MISSING). */
  supportedCapabilities?: readonly string[];
}

export interface EncodeOptions {
  /** Refuse to produce a frame larger than this (UTF-8 bytes). Default 512 KiB. */
  maxFrameBytes?: number;
}

const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
// Used only to name the offending frame in an error when the text is too big to parse safely.
const ID_PROBE = /"id"\s*:\s*"([A-Za-z0-9._:-]{1,128})"/;
const ID_PROBE_WINDOW = 4096;

/**
 * Serializes a frame after checking it against its schema (strictly: we never send fields the
 * schema does not know) and the frame size limit.
 *
 * @example ws.send(encodeFrame(createEnvelope('heartbeat', { running_jobs: [] })));
 */
export function encodeFrame(frame: KoFrame, options: EncodeOptions = {}): string {
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  validateFrame(frame, 'strict', frame.id);
  const text = JSON.stringify(frame);
  // Byte length can only exceed the character count for non-ASCII text; skip the count otherwise.
  if (text.length * 3 > maxFrameBytes && Buffer.byteLength(text, 'utf8') > maxFrameBytes) {
    throw new KoProtocolError(
      'KO_FRAME_TOO_LARGE',
      `${frame.type} frame ${frame.id} is ${Buffer.byteLength(text, 'utf8')} bytes, over the ${maxFrameBytes}-byte frame limit`,
      {
        offendingId: frame.id,
        hint: 'send it as an exec.chunk transfer with stream "frame" (splitFrameForWire)',
        details: { bytes: Buffer.byteLength(text, 'utf8'), max_frame_bytes: maxFrameBytes },
      },
    );
  }
  return text;
}

/**
 * Parses and validates one received frame. Throws KoProtocolError (KO_FRAME_TOO_LARGE,
 * KO_FRAME_NOT_JSON, KO_UNKNOWN_VERSION, KO_UNKNOWN_TYPE, KO_FRAME_SCHEMA,
 * KO_CAPABILITY_MISSING) carrying the frame's id when it could be read.
 *
 * @example
 * ws.on('message', (data) => {
 *   try { handle(decodeFrame(data)); }
 *   catch (error) { ws.send(encodeFrame(errorFrameFor(error))); }
 * });
 */
export function decodeFrame(input: string | Buffer, options: DecodeOptions = {}): KoFrame {
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const bytes = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
  if (bytes > maxFrameBytes) {
    const head =
      typeof input === 'string'
        ? input.slice(0, ID_PROBE_WINDOW)
        : input.subarray(0, ID_PROBE_WINDOW).toString('utf8');
    const offendingId = ID_PROBE.exec(head)?.[1];
    throw new KoProtocolError(
      'KO_FRAME_TOO_LARGE',
      `frame is ${bytes} bytes, over the ${maxFrameBytes}-byte frame limit`,
      {
        offendingId,
        hint: `send frames over ${maxFrameBytes} bytes as exec.chunk transfers with stream "frame"`,
        details: { bytes, max_frame_bytes: maxFrameBytes },
      },
    );
  }
  const text = typeof input === 'string' ? input : input.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new KoProtocolError('KO_FRAME_NOT_JSON', 'frame is not valid JSON', {
      cause,
      hint: 'send each ko-v1 frame as one JSON text message',
      details: { parse_error: (cause as Error).message },
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new KoProtocolError('KO_FRAME_SCHEMA', 'frame is JSON but not an object', {
      hint: 'a ko-v1 frame is a JSON object: the envelope of contracts/ko-v1/envelope.schema.json',
      details: { path: '' },
    });
  }
  const record = parsed as Record<string, unknown>;
  const offendingId =
    typeof record.id === 'string' && ID_PATTERN.test(record.id) ? record.id : undefined;
  if (record.protocol_version !== PROTOCOL_VERSION) {
    throw new KoProtocolError(
      'KO_UNKNOWN_VERSION',
      `frame protocol_version is ${JSON.stringify(record.protocol_version)}, this peer speaks ${PROTOCOL_VERSION}`,
      {
        offendingId,
        hint: `upgrade or downgrade one side so both speak ${PROTOCOL_VERSION}`,
        details: { received: record.protocol_version ?? null, supported: [PROTOCOL_VERSION] },
      },
    );
  }
  if (typeof record.type !== 'string' || !MESSAGE_TYPES.includes(record.type as MessageType)) {
    throw new KoProtocolError(
      'KO_UNKNOWN_TYPE',
      `unknown frame type ${JSON.stringify(record.type)}`,
      {
        offendingId,
        hint: `ko-v1 frame types are: ${MESSAGE_TYPES.join(', ')}`,
        details: { received: record.type ?? null },
      },
    );
  }
  validateFrame(record, options.mode ?? 'tolerant', offendingId);
  const frame = record as unknown as KoFrame;
  if (options.supportedCapabilities) assertCapabilities(frame, options.supportedCapabilities);
  return frame;
}

function validateFrame(frame: object, mode: ValidationMode, offendingId: string | undefined): void {
  const type = (frame as { type?: unknown }).type;
  if (typeof type !== 'string' || !MESSAGE_TYPES.includes(type as MessageType)) {
    throw new KoProtocolError('KO_UNKNOWN_TYPE', `unknown frame type ${JSON.stringify(type)}`, {
      offendingId,
      hint: `ko-v1 frame types are: ${MESSAGE_TYPES.join(', ')}`,
    });
  }
  const validate = validatorFor(type as MessageType, mode);
  if (validate(frame)) return;
  const first = (validate.errors ?? [])[0];
  const where = describeError(first);
  throw new KoProtocolError('KO_FRAME_SCHEMA', `${type} frame fails its schema at ${where}`, {
    offendingId,
    hint: `fix the field so it matches contracts/ko-v1/${type}.schema.json`,
    details: {
      path: first ? pathOf(first) : '',
      keyword: first?.keyword,
      schema_path: first?.schemaPath,
      params: first?.params,
    },
  });
}

/** The JSON pointer of the offending field; for a missing property, the property itself. */
function pathOf(error: ErrorObject): string {
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  return missing === undefined ? error.instancePath : `${error.instancePath}/${missing}`;
}

function describeError(error: ErrorObject | undefined): string {
  if (!error) return '(unknown)';
  return `${pathOf(error) || '/'}: ${error.message ?? error.keyword}`;
}

function assertCapabilities(frame: KoFrame, supported: readonly string[]): void {
  const missing = (frame.capabilities ?? []).filter((c) => !supported.includes(c));
  if (missing.length === 0) return;
  throw new KoProtocolError(
    'KO_CAPABILITY_MISSING',
    `${frame.type} frame ${frame.id} requires capabilities this peer lacks: ${missing.join(', ')}`,
    {
      offendingId: frame.id,
      hint: 'route the frame to a peer that announced these capabilities in hello',
      details: { missing },
    },
  );
}
