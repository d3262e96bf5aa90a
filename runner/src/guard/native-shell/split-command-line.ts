/**
 * Splits a Windows-style command line into words: blanks separate, double quotes group, `\"`
 * is a literal quote. Used for `Start-Process -ArgumentList`, which joins its items with spaces.
 *
 * @example splitCommandLine('/c "del /s x"') // ['/c', 'del /s x']
 */
export function splitCommandLine(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let inQuotes = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (c === '\\' && text[i + 1] === '"') {
      word += '"';
      inWord = true;
      i += 1;
    } else if (c === '"') {
      inQuotes = !inQuotes;
      inWord = true;
    } else if (!inQuotes && /\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
