/**
 * Damerau–Levenshtein distance (the unrestricted form, Lowrance–Wagner): insertions, deletions,
 * substitutions and transpositions of adjacent characters each cost 1, and a transposed pair may
 * be edited again (unlike the "optimal string alignment" shortcut, this one is a true metric).
 * Used for "did you mean" hints, never to guess what a user meant.
 *
 * @example damerauLevenshtein('mrege', 'merge'); // 1
 */
export function damerauLevenshtein(a: string, b: string): number {
  const la = a.length;
  const lb = b.length;
  if (la === 0) return lb;
  if (lb === 0) return la;
  const infinity = la + lb;
  const width = lb + 2;
  // d has an extra guard row and column holding `infinity`.
  const d = new Array<number>((la + 2) * width).fill(0);
  const at = (i: number, j: number): number => i * width + j;
  d[at(0, 0)] = infinity;
  for (let i = 0; i <= la; i++) {
    d[at(i + 1, 0)] = infinity;
    d[at(i + 1, 1)] = i;
  }
  for (let j = 0; j <= lb; j++) {
    d[at(0, j + 1)] = infinity;
    d[at(1, j + 1)] = j;
  }
  const lastRowOf = new Map<string, number>();
  for (let i = 1; i <= la; i++) {
    let lastMatchColumn = 0;
    for (let j = 1; j <= lb; j++) {
      const i1 = lastRowOf.get(b[j - 1] as string) ?? 0;
      const j1 = lastMatchColumn;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      if (cost === 0) lastMatchColumn = j;
      d[at(i + 1, j + 1)] = Math.min(
        (d[at(i, j)] as number) + cost,
        (d[at(i + 1, j)] as number) + 1,
        (d[at(i, j + 1)] as number) + 1,
        (d[at(i1, j1)] as number) + (i - i1 - 1) + 1 + (j - j1 - 1),
      );
    }
    lastRowOf.set(a[i - 1] as string, i);
  }
  return d[at(la + 1, lb + 1)] as number;
}

/**
 * The closest candidate to `input`, if it is close enough to be a plausible typo: at most 1 edit
 * for words up to 4 characters, 2 for longer ones, or a unique prefix of at least 3 characters.
 * Ties are refused (no suggestion), because a suggestion must not be a coin toss.
 *
 * @example closestMatch('stauts', ['status', 'plan']); // 'status'
 */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  const word = input.toLowerCase();
  if (word.length === 0) return undefined;
  const maxDistance = word.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  let tie = false;
  for (const candidate of candidates) {
    const distance = damerauLevenshtein(word, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
      tie = false;
    } else if (distance === bestDistance) {
      tie = true;
    }
  }
  if (best !== undefined && bestDistance <= maxDistance && !tie) return best;
  if (word.length >= 3) {
    const prefixed = candidates.filter((c) => c.toLowerCase().startsWith(word));
    if (prefixed.length === 1) return prefixed[0];
  }
  return undefined;
}
