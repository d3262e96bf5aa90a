import { MASK_PATTERNS, type MaskPattern } from './mask-patterns.ts';
import { secretForms } from './secret-forms.ts';

/** A stretch of text to hide, end exclusive. */
export interface MaskRange {
  start: number;
  end: number;
  kind: string;
}

export interface Masker {
  /** The text with every secret replaced by `[MASKED:<kind>]`. */
  mask(text: string): string;
  /** Where the secrets are, sorted and non-overlapping (overlaps are merged). */
  findRanges(text: string): MaskRange[];
  /** Length of the longest configured secret form (stream maskers hold back at least this). */
  readonly longestLiteral: number;
  /** Every configured secret form, longest first (stream maskers hold a partial one back). */
  readonly literals?: readonly string[];
}

export interface MaskerOptions {
  /** Values to mask wherever they appear, in all their encodings (see secret-forms.ts). */
  secrets?: readonly (string | undefined)[];
  /** Defaults to MASK_PATTERNS. */
  patterns?: readonly MaskPattern[];
}

/**
 * What a secret becomes. The kind (never the value) is kept so a reader knows what was there;
 * the marker contains no quote or backslash, so a masked JSON line stays valid JSON.
 *
 * @example maskMarker('github-token') // '[MASKED:github-token]'
 */
export function maskMarker(kind: string): string {
  return `[MASKED:${kind}]`;
}

/**
 * Builds a masker from the built-in secret shapes plus configured secret values.
 *
 * @example createMasker({ secrets: [process.env.WEBHOOK_SECRET] }).mask('token ghp_…') // 'token [MASKED:github-token]'
 */
export function createMasker(options: MaskerOptions = {}): Masker {
  const patterns = options.patterns ?? MASK_PATTERNS;
  const literals = [
    ...new Set(options.secrets?.flatMap((secret) => (secret ? secretForms(secret) : [])) ?? []),
  ].sort((a, b) => b.length - a.length);
  const longestLiteral = literals[0]?.length ?? 0;
  const literalSet = new Set(literals);
  const anchors = [...new Set(patterns.flatMap((pattern) => pattern.anchors))];
  // One pass finds every literal secret and every anchor: far cheaper than a regex run per
  // pattern or an indexOf per literal (bench/logger.bench.ts). The alternation reports one
  // alternative per position (longest first), so each alternative also stands for every anchor
  // that is a prefix of it: 'uthorization":' implies 'uthorization'.
  const alternatives = [...new Set([...literals, ...anchors])].sort((a, b) => b.length - a.length);
  if (alternatives.length === 0)
    return { mask: (text) => text, findRanges: () => [], longestLiteral, literals };
  const patternsFor = new Map<string, MaskPattern[]>(
    alternatives.map((alternative) => [
      alternative,
      patterns.filter((pattern) =>
        pattern.anchors.some((anchor) => alternative.startsWith(anchor)),
      ),
    ]),
  );
  // When two kinds cover the same range the first one run names it. A fixed order (keyed shapes
  // such as `Bearer <value>` first: their kind says more) rather than the order the anchors occur
  // in, which a stream masker seeing part of the text would change.
  const runOrder = [...patterns].sort(
    (a, b) => Number(b.regex.source.includes('(?<')) - Number(a.regex.source.includes('(?<')),
  );
  const scanner = new RegExp(alternatives.map(escapeRegExp).join('|'), 'g');

  function findRanges(text: string): MaskRange[] {
    const found: MaskRange[] = [];
    let toRun: Set<MaskPattern> | undefined;
    scanner.lastIndex = 0;
    for (let match = scanner.exec(text); match !== null; match = scanner.exec(text)) {
      const hit = match[0];
      if (literalSet.has(hit)) {
        found.push({ start: match.index, end: match.index + hit.length, kind: 'secret' });
      }
      for (const pattern of patternsFor.get(hit) ?? []) (toRun ??= new Set()).add(pattern);
      // Step one character only: an anchor or another secret may start inside this hit.
      scanner.lastIndex = match.index + 1;
    }
    if (toRun)
      for (const pattern of runOrder)
        if (toRun.has(pattern)) collectPatternRanges(pattern, text, found);
    return mergeRanges(found);
  }

  function mask(text: string): string {
    const ranges = findRanges(text);
    if (ranges.length === 0) return text;
    let out = '';
    let cursor = 0;
    for (const range of ranges) {
      out += text.slice(cursor, range.start) + maskMarker(range.kind);
      cursor = range.end;
    }
    return out + text.slice(cursor);
  }

  return { mask, findRanges, longestLiteral, literals };
}

function collectPatternRanges(pattern: MaskPattern, text: string, into: MaskRange[]): void {
  // Shared global regex: safe because masking is synchronous and lastIndex is reset each time.
  const regex = pattern.regex;
  regex.lastIndex = 0;
  for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
    if (match[0].length === 0) {
      regex.lastIndex += 1;
      continue;
    }
    const group = match.indices?.groups?.s ?? match.indices?.groups?.c;
    const [start, end] = group ?? [match.index, match.index + match[0].length];
    into.push({ start, end, kind: pattern.kind });
  }
  regex.lastIndex = 0;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function mergeRanges(ranges: MaskRange[]): MaskRange[] {
  if (ranges.length < 2) return ranges;
  ranges.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: MaskRange[] = [];
  for (const range of ranges) {
    const last = merged.at(-1);
    if (last && range.start < last.end) {
      last.end = Math.max(last.end, range.end);
    } else {
      merged.push({ ...range });
    }
  }
  return merged;
}
