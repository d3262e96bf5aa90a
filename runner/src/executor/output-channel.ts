import { StringDecoder } from 'node:string_decoder';
import type { OutputStreamName, StreamSummary, TextTransform } from './executor-types.ts';

interface OutputChannelOptions {
  stream: OutputStreamName;
  capBytes: number;
  transform?: TextTransform;
  onOutput?: (stream: OutputStreamName, chunk: Buffer) => void;
}

export interface OutputChannel {
  /** Takes raw bytes from the engine. */
  write(raw: Buffer): void;
  /** Releases what the decoder and the transform still hold; call once, when the pipe ends. */
  end(): void;
  summary(): StreamSummary;
}

/** The in-band line that replaces everything past the cap. */
export function truncationNotice(capBytes: number): string {
  return `[ko] output truncated at ${capBytes} bytes; the command keeps running\n`;
}

/**
 * One output stream of a job: raw bytes → UTF-8 text (a character split across reads is
 * kept whole) → masking transform → byte count and cap → `onOutput`. Past the cap the stream is
 * still read (so the engine never blocks on a full pipe) but nothing more is forwarded.
 *
 * @example const out = createOutputChannel({ stream: 'stdout', capBytes: 1024, onOutput });
 */
export function createOutputChannel(options: OutputChannelOptions): OutputChannel {
  const { stream, capBytes, transform, onOutput } = options;
  const decoder = new StringDecoder('utf8');
  let bytes = 0;
  let truncated = false;
  let endsWithNewline = true;

  const emit = (chunk: Buffer): void => {
    if (chunk.length === 0) return;
    bytes += chunk.length;
    endsWithNewline = chunk[chunk.length - 1] === 0x0a;
    onOutput?.(stream, chunk);
  };

  const forward = (text: string): void => {
    if (truncated || text.length === 0) return;
    const chunk = Buffer.from(text, 'utf8');
    const room = capBytes - bytes;
    if (chunk.length <= room) {
      emit(chunk);
      return;
    }
    let cut = Math.max(0, room);
    while (cut > 0 && ((chunk[cut] ?? 0) & 0xc0) === 0x80) cut -= 1; // never split a character
    emit(chunk.subarray(0, cut));
    truncated = true;
    emit(Buffer.from(`${endsWithNewline ? '' : '\n'}${truncationNotice(capBytes)}`, 'utf8'));
  };

  return {
    write(raw) {
      if (truncated) return;
      const text = decoder.write(raw);
      forward(transform ? transform.push(text) : text);
    },
    end() {
      const rest = decoder.end();
      if (transform) {
        forward(transform.push(rest));
        forward(transform.flush());
      } else {
        forward(rest);
      }
    },
    summary: () => ({ bytes, truncated }),
  };
}
