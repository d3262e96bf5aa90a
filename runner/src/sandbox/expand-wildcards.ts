import { readdirSync } from 'node:fs';
import path from 'node:path';

const WILDCARD = /[*?[]/;
const MAX_MATCHES = 5000;

/**
 * A PowerShell wildcard pattern (`*`, `?`, `[abc]`, `[a-z]`) as a RegExp over one name.
 *
 * @example wildcardToRegExp('*.ts', false).test('a.ts') // true
 */
export function wildcardToRegExp(pattern: string, caseSensitive: boolean): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i] as string;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        source += `[${pattern.slice(i + 1, end).replace(/[\\^\]]/g, '\\$&')}]`;
        i = end;
      }
    } else source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, caseSensitive ? 'u' : 'iu');
}

/**
 * Expands the wildcards of a path on disk the way PowerShell would before touching files, so
 * that `./esc*\/secret` is judged by where `escape` really leads. Returns undefined when the path
 * has no wildcard, and 'too-many' past 5,000 matches.
 *
 * @example expandWildcards('src/*.ts', '/repo', 'linux') // ['/repo/src/a.ts', ...]
 */
export function expandWildcards(
  candidate: string,
  cwd: string,
  platform: NodeJS.Platform,
): string[] | 'too-many' | undefined {
  if (!WILDCARD.test(candidate)) return undefined;
  const flavor = platform === 'win32' ? path.win32 : path.posix;
  const absolute = flavor.resolve(cwd, candidate);
  const { root } = flavor.parse(absolute);
  const segments = absolute
    .slice(root.length)
    .split(platform === 'win32' ? /[\\/]/ : '/')
    .filter(Boolean);
  let current = [root];
  for (const segment of segments) {
    if (!WILDCARD.test(segment)) {
      current = current.map((dir) => flavor.join(dir, segment));
      continue;
    }
    const matcher = wildcardToRegExp(segment, false);
    const next: string[] = [];
    for (const dir of current) {
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      for (const name of names) if (matcher.test(name)) next.push(flavor.join(dir, name));
      if (next.length > MAX_MATCHES) return 'too-many';
    }
    current = next;
  }
  return current;
}
