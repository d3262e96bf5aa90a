import { maskMarker, type Masker, type MaskRange } from './mask.ts';
import { heldTailStart } from './stream-hold.ts';

export interface StreamMasker {
  /** Masks what can be decided now; may return '' and keep the text for the next piece. */
  write(piece: string): string;
  /** Masks and returns everything still held back (end of the stream). */
  flush(): string;
}

export interface StreamMaskerOptions {
  /**
   * Cap on the held tail. Only text that could still become (part of) a secret is held (see
   * stream-hold.ts), so output ending in a line break usually goes out at once; a tail longer
   * than this is cut here, keeping a secret that straddles the cut whole. Default: the longest
   * configured secret form or 1024, whichever is larger (GitHub tokens are at most ~100
   * characters, JWT headers and key headers far below 1024).
   */
  holdBack?: number;
  /**
   * Upper bound on held text while a secret is still open at the end (e.g. a private key block
   * whose END line has not arrived). Past it the open secret is emitted masked. Default 65536.
   */
  maxPending?: number;
}

/** Characters of already-emitted text kept as context, so `\b` and look-behinds see them. */
const CONTEXT = 64;

/**
 * Masks text that arrives in pieces (command output chunks), holding back only the tail that
 * could still become (part of) a secret, so a secret split across two pieces is still masked
 * and ordinary lines go out at once. Output pieces joined equal masker.mask() of the whole
 * text for secrets shorter than `holdBack`.
 *
 * @example
 * const stream = createStreamMasker(masker);
 * const out = stream.write('token ghp_abc') + stream.write('def…') + stream.flush();
 */
export function createStreamMasker(
  masker: Masker,
  options: StreamMaskerOptions = {},
): StreamMasker {
  const holdBack = options.holdBack ?? Math.max(masker.longestLiteral, 1024);
  const maxPending = Math.max(options.maxPending ?? 65_536, holdBack * 2);
  let pending = '';
  let context = '';

  function emit(cut: number, ranges: MaskRange[], offset: number): string {
    let out = '';
    let cursor = 0;
    for (const range of ranges) {
      const start = Math.max(range.start - offset, 0);
      const end = range.end - offset;
      if (end <= 0 || start >= cut) continue;
      out += pending.slice(cursor, start) + maskMarker(range.kind);
      cursor = end;
    }
    out += pending.slice(cursor, cut);
    context = (context + pending.slice(0, cut)).slice(-CONTEXT);
    pending = pending.slice(cut);
    return out;
  }

  function write(piece: string): string {
    pending += piece;
    let cut = Math.max(
      heldTailStart(pending, masker.literals, masker.longestLiteral),
      pending.length - holdBack,
    );
    if (cut <= 0) return '';
    const offset = context.length;
    const ranges = masker.findRanges(context + pending);
    for (const range of ranges) {
      const start = range.start - offset;
      const end = range.end - offset;
      if (start < cut && end > cut) {
        // A secret straddles the cut: hold it whole, unless it has grown past maxPending.
        cut = pending.length > maxPending ? end : Math.max(start, 0);
        break;
      }
    }
    if (cut <= 0) return '';
    return emit(cut, ranges, offset);
  }

  function flush(): string {
    const offset = context.length;
    const ranges = masker.findRanges(context + pending);
    const out = emit(pending.length, ranges, offset);
    context = '';
    return out;
  }

  return { write, flush };
}
