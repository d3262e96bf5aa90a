/**
 * The secret shapes KO masks by value, whatever key (or no key) they sit under.
 *
 * Each pattern has cheap literal `anchors`: the regex only runs on text that contains one of
 * them, which keeps masking every log line affordable (see bench/logger.bench.ts). When a
 * pattern has a named group `s` (or `c`), only that group is masked (the `Bearer ` or `user:`
 * stays readable); otherwise the whole match is.
 *
 * No pattern can match a lone `"` or `\` (escapes are taken as whole pairs), so masking a
 * JSON-serialized line cannot break its quoting or cut an escape sequence in half.
 */
export interface MaskPattern {
  /** Shown in the replacement: `[MASKED:<kind>]`. */
  kind: string;
  /** At least one must occur (case-sensitive) before the regex is tried. */
  anchors: readonly string[];
  /** Global, with `d` (indices) when it has a group `s`. */
  regex: RegExp;
}

const b64url = 'A-Za-z0-9_\\-';

export const MASK_PATTERNS: readonly MaskPattern[] = [
  {
    // https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/
    kind: 'github-token',
    anchors: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
    regex: /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g,
  },
  {
    // A whole block, or (truncated output, a stream cut) the header and the base64 that follows.
    // `\\n` / `\\r` are the JSON-escaped line breaks of a serialized log line.
    kind: 'private-key',
    anchors: ['PRIVATE KEY'],
    regex:
      /-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY-----(?:[\s\S]*?-----END[A-Z0-9 ]{0,40}PRIVATE KEY-----|(?:\\[nr]|[\sA-Za-z0-9+/=:,-])*)/g,
  },
  {
    kind: 'jwt',
    anchors: ['eyJ'],
    regex: new RegExp(`\\beyJ[${b64url}]{4,}\\.[${b64url}]{4,}\\.[${b64url}]*`, 'g'),
  },
  {
    // 16+ characters so that prose ("bearer bonds") is left alone.
    kind: 'bearer-token',
    anchors: ['earer', 'EARER'],
    regex: /\b(?:[Bb]earer|BEARER)\s+(?<s>[A-Za-z0-9\-._~+/]{16,}=*)/dg,
  },
  {
    // Only in an Authorization context: "basic" is an ordinary English word.
    kind: 'basic-auth',
    anchors: ['uthorization', 'UTHORIZATION'],
    regex: /authorization\\?["']?\s*[:=]\s*\\?["']?basic\s+(?<s>[A-Za-z0-9+/]{8,}={0,2})/dgi,
  },
  {
    kind: 'aws-access-key-id',
    anchors: ['AKIA', 'ASIA'],
    regex: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
  },
  {
    // A secret access key is 40 base64 characters with no prefix: only its key name gives it away.
    kind: 'aws-secret-key',
    anchors: ['ecret', 'ECRET'],
    regex:
      /(?:aws_?)?secret_?access_?key\\?["']?\s*[:=]\s*\\?["']?(?<s>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/dgi,
  },
  {
    // Probot's access log (pino-http) serializes every request header: whatever the scheme,
    // an Authorization or Cookie header value is a credential. JSON form only (quoted key), so
    // prose is left alone; the value's quotes stay, so the line stays valid JSON.
    kind: 'http-credential',
    anchors: ['uthorization":', 'UTHORIZATION":', 'ookie":', 'OOKIE":'],
    regex:
      /"(?:proxy-authorization|authorization|cookie)":"(?<s>(?:[^"\\]|\\.)+)"|"set-cookie":\["(?<c>(?:[^"\\]|\\.)*(?:","(?:[^"\\]|\\.)*)*)"\]/dgi,
  },
  {
    // scheme://user:PASSWORD@host — the user name stays, the password goes.
    kind: 'url-password',
    anchors: ['://'],
    // No scheme in the regex: scanning back for it at every position made this the slowest pattern.
    regex: /:\/\/[^\s:@/"\\]*:(?<s>[^\s@/"\\]+)@/dg,
  },
];
