import { existsSync, lstatSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { PreconditionError } from '../../../contracts/errors.ts';
import { expandWildcards } from './expand-wildcards.ts';
import { refuse, type SandboxOptions, type SandboxVerdict } from './sandbox-verdict.ts';
import { isWindowsPathInside, joinWindowsPath, normalizeWindowsPath } from './windows-path.ts';

/** PowerShell provider paths that are not the file system (`HKLM:\`, `Env:`, `Registry::`). */
const PROVIDER =
  /^(hklm|hkcu|hkcr|hku|hkcc|env|variable|function|alias|cert|wsman|temp)::?|^([a-z.\\]*\\)?(registry|environment|variable|function|alias|certificate|wsman)::/i;
const FILESYSTEM_PROVIDER = /^(microsoft\.powershell\.core\\)?filesystem::/i;

/**
 * Decides whether `candidate` (as a command would use it) stays inside `root`: symlinks and
 * junctions are resolved on disk before comparing, Windows rules (case, drive letters, UNC,
 * `\\?\` and `\\.\`, device names, alternate data streams, trailing dots and spaces, 8.3 short
 * names) apply when `platform` is win32.
 *
 * @example resolveInsideRoot('/srv/repo', '../etc/passwd', { platform: 'linux' }) // { inside: false, code: 'OUTSIDE_ROOT', ... }
 */
export function resolveInsideRoot(
  root: string,
  candidate: string,
  options: SandboxOptions = {},
): SandboxVerdict {
  const platform = options.platform ?? process.platform;
  const useDisk = options.realpath ?? platform === process.platform;
  if (candidate.length === 0) return refuse('EMPTY_PATH', 'the path is empty');
  if (candidate.includes('\0')) return refuse('NUL_BYTE', 'the path contains a NUL character');
  let p = candidate.replace(FILESYSTEM_PROVIDER, '');
  if (PROVIDER.test(p)) return refuse('PROVIDER_PATH', `'${candidate}' is not a file-system path`);
  const home = options.home ?? homedir();
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) p = home + p.slice(1);
  return platform === 'win32'
    ? resolveWindows(root, p, candidate, options.cwd ?? root, useDisk)
    : resolvePosix(root, p, candidate, options.cwd ?? root, useDisk);
}

/**
 * resolveInsideRoot for a path PowerShell expands wildcards in (`-Path`, not `-LiteralPath`):
 * with the disk, every match must stay inside; without matches the text itself is judged.
 *
 * @example resolveAllInsideRoot('/srv/repo', 'esc*\/secret.txt') // refused when escape -> /outside
 */
export function resolveAllInsideRoot(
  root: string,
  candidate: string,
  options: SandboxOptions = {},
): SandboxVerdict {
  const platform = options.platform ?? process.platform;
  const useDisk = options.realpath ?? platform === process.platform;
  const literal = resolveInsideRoot(root, candidate, options);
  if (!useDisk || !literal.inside) return literal;
  const matches = expandWildcards(candidate, options.cwd ?? root, platform);
  if (matches === undefined || matches.length === 0) return literal;
  if (matches === 'too-many')
    return refuse('OUTSIDE_ROOT', `'${candidate}' matches too many paths to check`);
  for (const match of matches) {
    const verdict = resolveInsideRoot(root, match, options);
    if (!verdict.inside)
      return { ...verdict, reason: `'${candidate}' matches ${match}: ${verdict.reason}` };
  }
  return literal;
}

function resolvePosix(
  root: string,
  p: string,
  candidate: string,
  cwd: string,
  useDisk: boolean,
): SandboxVerdict {
  if (!path.posix.isAbsolute(root)) throw notAbsolute(root);
  const realRoot = useDisk ? realRootOf(root) : path.posix.normalize(root);
  const start = path.posix.isAbsolute(p)
    ? '/'
    : useDisk
      ? realpathSync(cwd)
      : path.posix.normalize(cwd);
  let resolved: string;
  if (useDisk) {
    const walked = walkPhysically(start, p.split('/'));
    if ('inside' in walked) return walked;
    resolved = walked.path;
  } else {
    resolved = path.posix.resolve(start, p);
  }
  return isPosixInside(realRoot, resolved)
    ? { inside: true, resolved }
    : refuse(
        'OUTSIDE_ROOT',
        `'${candidate}' resolves to ${resolved}, outside the root ${realRoot}`,
        resolved,
      );
}

/** Applies each segment on disk as the kernel would: `..` after a symlink leaves the link's target. */
function walkPhysically(start: string, segments: string[]): { path: string } | SandboxVerdict {
  let current = start;
  let onDisk = true;
  for (const segment of segments) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      current = path.posix.dirname(current);
      continue;
    }
    const next = path.posix.join(current, segment);
    if (!onDisk) {
      current = next;
      continue;
    }
    try {
      current = realpathSync(next);
    } catch {
      if (isSymlink(next))
        return refuse(
          'DANGLING_SYMLINK',
          `${next} is a symlink to something that does not exist yet`,
        );
      onDisk = false;
      current = next;
    }
  }
  return { path: current };
}

function resolveWindows(
  root: string,
  p: string,
  candidate: string,
  cwd: string,
  useDisk: boolean,
): SandboxVerdict {
  if (!/^([a-z]:[\\/]|[\\/]{2}[^\\/])/i.test(root) || !/^([a-z]:[\\/]|[\\/]{2}[^\\/])/i.test(cwd))
    throw notAbsolute(root);
  const rootParts = normalizeWindowsPath(root, root);
  if ('inside' in rootParts) throw notAbsolute(root);
  let rootPath = joinWindowsPath(rootParts);
  const parts = normalizeWindowsPath(p, cwd);
  if ('inside' in parts) return parts;
  let resolved = joinWindowsPath(parts);
  if (useDisk) {
    rootPath = realRootOf(rootPath);
    const real = realpathOfLongestPrefix(resolved, path.win32);
    if ('inside' in real) return real;
    if (parts.hasShortName && !real.shortNamesResolved) {
      return refuse(
        'SHORT_NAME_UNRESOLVED',
        `'${candidate}' uses an 8.3 short name that does not exist on disk, so its long name is unknown`,
      );
    }
    resolved = real.path;
  } else if (parts.hasShortName) {
    return refuse(
      'SHORT_NAME_UNRESOLVED',
      `'${candidate}' uses an 8.3 short name and cannot be resolved without the disk`,
    );
  }
  if (!isWindowsPathInside(rootPath, resolved)) {
    return parts.root.startsWith('\\\\')
      ? refuse(
          'UNC_PATH',
          `'${candidate}' is on the network share ${parts.root}, outside the root ${rootPath}`,
          resolved,
        )
      : refuse(
          'OUTSIDE_ROOT',
          `'${candidate}' resolves to ${resolved}, outside the root ${rootPath}`,
          resolved,
        );
  }
  return { inside: true, resolved };
}

/** Real path of the longest existing prefix, plus the rest as written (Windows host only). */
function realpathOfLongestPrefix(
  full: string,
  flavor: typeof path.win32,
): { path: string; shortNamesResolved: boolean } | SandboxVerdict {
  let existing = full;
  const tail: string[] = [];
  while (!existsSync(existing)) {
    if (isSymlink(existing))
      return refuse(
        'DANGLING_SYMLINK',
        `${existing} is a link to something that does not exist yet`,
      );
    const parent = flavor.dirname(existing);
    if (parent === existing) break;
    tail.unshift(flavor.basename(existing));
    existing = parent;
  }
  const real = realpathSync.native(existing);
  return { path: flavor.join(real, ...tail), shortNamesResolved: !tail.some((s) => /~\d/.test(s)) };
}

function realRootOf(root: string): string {
  try {
    return realpathSync.native(root);
  } catch (error) {
    throw new PreconditionError('SANDBOX_ROOT_MISSING', `the root ${root} does not exist`, {
      hint: 'pass --root with an existing directory',
      cause: error,
    });
  }
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function isPosixInside(root: string, p: string): boolean {
  const r = root === '/' ? '' : root.replace(/\/+$/, '');
  return p === root || p.startsWith(`${r}/`);
}

function notAbsolute(root: string): PreconditionError {
  return new PreconditionError(
    'SANDBOX_ROOT_NOT_ABSOLUTE',
    `the root ${root} is not an absolute path`,
    {
      hint: 'pass an absolute directory as --root',
    },
  );
}
