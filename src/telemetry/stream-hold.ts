/**
 * Where the undecided tail of streamed text starts: everything before it can be masked and
 * emitted now, because no future text can turn it into (part of) a secret.
 *
 * The rule follows the patterns in mask-patterns.ts:
 * - Patterns without whitespace in their matches (GitHub tokens, JWTs, AWS key ids, URL
 *   userinfo `://user:pass@`, and the `\b`/look-ahead around them) lie inside one run of
 *   non-whitespace characters, so the trailing such run is held (it may still grow).
 * - Patterns whose matches may contain whitespace get an "open prefix" regex anchored at the
 *   end: `Bearer`/`Authorization: Basic`/`aws_secret_access_key =` followed by whitespace and a
 *   partial value, an unclosed `"authorization":"…` or `"set-cookie":[…` JSON value, and a
 *   private key header or block without its END line. Their keyword prefixes without
 *   whitespace ("Bear", "-----BEG") are already in the trailing run.
 * - Configured secret values (any characters) hold the longest suffix that is a prefix of one
 *   of their forms.
 * The held tail starts at the earliest of these; holding more than needed is always safe.
 */

const OPEN_PREFIXES: readonly RegExp[] = [
  /\b(?:[Bb]earer|BEARER)\s+[A-Za-z0-9\-._~+/]*=*$/,
  /authorization\\?["']?\s*(?:[:=]\s*\\?["']?(?:b(?:a(?:s(?:i(?:c(?:\s+[A-Za-z0-9+/]*={0,2})?)?)?)?)?)?)?$/i,
  /(?:aws_?)?secret_?access_?key\\?["']?\s*(?:[:=]\s*\\?["']?[A-Za-z0-9/+]*)?$/i,
  /"(?:proxy-authorization|authorization|cookie)":"(?:[^"\\]|\\.)*\\?$/i,
  /"set-cookie":\[(?:"(?:[^"\\]|\\.)*",)*(?:"(?:[^"\\]|\\.)*(?:\\|")?)?$/i,
  /-----BEGIN(?:[A-Z0-9 ]{0,40}PRIVATE KEY-----(?:(?!-----END[A-Z0-9 ]{0,40}PRIVATE KEY-----)[\s\S])*|[A-Z0-9 -]*)$/,
];

/**
 * Index in `text` where the held tail starts (text.length when nothing needs holding).
 * `literals` undefined means unknown configured secrets: hold `longestLiteral - 1` characters.
 *
 * @example heldTailStart('hello\nBearer ', []) // 6
 */
export function heldTailStart(
  text: string,
  literals: readonly string[] | undefined,
  longestLiteral: number,
): number {
  let start = text.length;
  while (start > 0 && !/\s/.test(text[start - 1]!)) start -= 1;
  for (const regex of OPEN_PREFIXES) {
    const match = regex.exec(text);
    if (match && match.index < start) start = match.index;
  }
  const literalTail = literals
    ? longestPrefixSuffix(text, literals)
    : Math.max(longestLiteral - 1, 0);
  return Math.max(Math.min(start, text.length - literalTail), 0);
}

/** Length of the longest proper prefix of any literal that `text` ends with. */
function longestPrefixSuffix(text: string, literals: readonly string[]): number {
  let best = 0;
  for (const literal of literals) {
    for (let length = Math.min(literal.length - 1, text.length); length > best; length -= 1) {
      // First-character check first: long configured secrets (a PEM) would otherwise cost a
      // slice per length on every write.
      const at = text.length - length;
      if (
        text.charCodeAt(at) === literal.charCodeAt(0) &&
        text.startsWith(literal.slice(0, length), at)
      ) {
        best = length;
        break;
      }
    }
  }
  return best;
}
