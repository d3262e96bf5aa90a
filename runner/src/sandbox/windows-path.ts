import { refuse, type SandboxVerdict } from './sandbox-verdict.ts';

/** CON, PRN, AUX, NUL, COM0-9, LPT0-9 (and the superscript digits Windows also accepts). */
const DEVICE =
  /^(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3]|conin\$|conout\$|clock\$)$/i;

interface WindowsPathParts {
  /** `C:` or `\\server\share` (lower case preserved as written). */
  root: string;
  segments: string[];
  /** True when a segment looks like an 8.3 short name (`PROGRA~1`) and needs the disk to resolve. */
  hasShortName: boolean;
}

/**
 * Splits and normalizes a Windows path the way Win32 would (GetFullPathName): `/` becomes `\`,
 * `.` and `..` are applied, trailing dots and spaces are dropped from names. Refuses what cannot
 * be a plain file under a root: device names, the device namespace (`\\.\`), alternate data
 * streams, drive-relative paths on another drive, and ambiguous dot/space-only names.
 *
 * @example normalizeWindowsPath('C:\\repo\\a\\..\\b. ', 'C:\\repo') // { root: 'C:', segments: ['repo', 'b'], ... }
 */
export function normalizeWindowsPath(
  candidate: string,
  cwd: string,
): WindowsPathParts | SandboxVerdict {
  let p = candidate.replace(/\//g, '\\');
  if (p.startsWith('\\\\.\\') || p.startsWith('\\??\\') || /^\\\\\?\\globalroot/i.test(p)) {
    return refuse('DEVICE_NAMESPACE', `'${candidate}' names a device, not a file`);
  }
  let extended = false;
  if (/^\\\\\?\\unc\\/i.test(p)) {
    p = `\\\\${p.slice(8)}`;
    extended = true;
  } else if (p.startsWith('\\\\?\\')) {
    p = p.slice(4);
    extended = true;
  }
  let root: string;
  let rest: string;
  const unc = /^\\\\([^\\]+)\\([^\\]+)(\\.*)?$/.exec(p);
  if (unc) {
    root = `\\\\${unc[1]}\\${unc[2]}`;
    rest = unc[3] ?? '';
  } else if (/^[a-z]:\\/i.test(p) || /^[a-z]:$/i.test(p)) {
    root = p.slice(0, 2);
    rest = p.slice(2);
  } else if (/^[a-z]:/i.test(p)) {
    const cwdParts = normalizeWindowsPath(cwd, cwd);
    if ('inside' in cwdParts || cwdParts.root.toLowerCase() !== p.slice(0, 2).toLowerCase()) {
      return refuse(
        'DRIVE_RELATIVE',
        `'${candidate}' is relative to the current directory of drive ${p.slice(0, 2)}, which is unknown`,
      );
    }
    return normalizeWindowsPath(`${cwd}\\${p.slice(2)}`, cwd);
  } else if (p.startsWith('\\\\')) {
    return refuse('UNC_PATH', `'${candidate}' is an incomplete network path`);
  } else if (p.startsWith('\\')) {
    const cwdParts = normalizeWindowsPath(cwd, cwd);
    if ('inside' in cwdParts) return cwdParts;
    return normalizeWindowsPath(`${cwdParts.root}${p}`, cwd);
  } else {
    return normalizeWindowsPath(`${cwd}\\${p}`, cwd);
  }
  const segments: string[] = [];
  let hasShortName = false;
  for (const raw of rest.split('\\')) {
    if (raw === '' || raw === '.') continue;
    if (raw === '..') {
      if (extended)
        return refuse(
          'AMBIGUOUS_SEGMENT',
          `'${candidate}' uses '..' in a \\\\?\\ path, which Windows does not normalize`,
        );
      segments.pop();
      continue;
    }
    if (raw.includes(':')) {
      return refuse(
        'ALTERNATE_DATA_STREAM',
        `'${candidate}' names an alternate data stream ('${raw}')`,
      );
    }
    if (/^[. ]+$/.test(raw)) {
      return refuse(
        'AMBIGUOUS_SEGMENT',
        `'${candidate}' has a name made of dots and spaces only ('${raw}')`,
      );
    }
    const trimmed = raw.replace(/[. ]+$/, '');
    if (extended && trimmed !== raw) {
      return refuse(
        'AMBIGUOUS_SEGMENT',
        `'${candidate}' has a name ending in a dot or space in a \\\\?\\ path`,
      );
    }
    const base = (trimmed.split('.')[0] ?? '').replace(/ +$/, '');
    if (DEVICE.test(base))
      return refuse('DEVICE_NAME', `'${candidate}' names the device ${base.toUpperCase()}`);
    if (/~\d/.test(trimmed)) hasShortName = true;
    segments.push(trimmed);
  }
  return { root, segments, hasShortName };
}

/** Joins normalized parts back into a path. */
export function joinWindowsPath(parts: WindowsPathParts): string {
  return parts.segments.length === 0
    ? `${parts.root}\\`
    : `${parts.root}\\${parts.segments.join('\\')}`;
}

/**
 * True when `path` is `root` or below it, compared case-insensitively as Windows does.
 *
 * @example isWindowsPathInside('C:\\Repo', 'c:\\repo\\src') // true
 */
export function isWindowsPathInside(root: string, path: string): boolean {
  const r = root.toLowerCase().replace(/\\+$/, '');
  const p = path.toLowerCase().replace(/\\+$/, '');
  return p === r || p.startsWith(`${r}\\`);
}
