/**
 * Configured secrets shorter than this are not masked by value: a three-letter "secret" would
 * blank out ordinary words in every line. Config warns about such values instead.
 */
export const MIN_SECRET_LENGTH = 6;

/**
 * Every spelling of a configured secret that can show up in a log line or command output:
 * raw, JSON-escaped (a serialized log line), URL-encoded (query strings, form bodies), hex, and
 * base64 / base64url. For base64 the stable middle of the encoding is used at each of the three
 * byte alignments, so the secret is found even inside a longer encoded value, e.g.
 * `Authorization: Basic base64("user:" + secret)`.
 *
 * @example secretForms('s3cret-value') // ['s3cret-value', 's3cret-value' as hex, 'czNjcmV0LXZhbHVl'…]
 */
export function secretForms(secret: string): string[] {
  if (secret.length < MIN_SECRET_LENGTH) return [];
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Set<string>([
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    encodeURIComponent(secret).replaceAll('%20', '+'),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
    // The whole encoding too, so a value encoded on its own leaves no padding tail behind.
    bytes.toString('base64'),
    bytes.toString('base64url'),
  ]);
  for (const core of base64Cores(bytes)) {
    forms.add(core);
    forms.add(core.replaceAll('+', '-').replaceAll('/', '_'));
  }
  // Longest first: the JSON-escaped form of a key must win over a shorter overlapping form.
  return [...forms]
    .filter((form) => form.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
}

/**
 * The base64 characters that depend only on the secret's bytes, for the secret starting at byte
 * offset 0, 1 and 2 of a 3-byte group. Character i covers bits [6i, 6i+6); it is stable when
 * those bits lie inside the secret.
 */
function base64Cores(bytes: Buffer): string[] {
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset += 1) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const first = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + bytes.length)) / 6);
    if (end > first) cores.push(encoded.slice(first, end));
  }
  return cores;
}
