/** Why a path is refused (stable codes for logs, error frames and tests). */
export type SandboxCode =
  | 'OUTSIDE_ROOT'
  | 'EMPTY_PATH'
  | 'NUL_BYTE'
  | 'DEVICE_NAME'
  | 'DEVICE_NAMESPACE'
  | 'ALTERNATE_DATA_STREAM'
  | 'UNC_PATH'
  | 'DRIVE_RELATIVE'
  | 'AMBIGUOUS_SEGMENT'
  | 'SHORT_NAME_UNRESOLVED'
  | 'DANGLING_SYMLINK'
  | 'PROVIDER_PATH';

export type SandboxVerdict =
  | { inside: true; resolved: string }
  | { inside: false; code: SandboxCode; reason: string; resolved?: string };

export interface SandboxOptions {
  /** Whose path rules apply; defaults to the host's. `win32` rules are pure and run anywhere. */
  platform?: NodeJS.Platform;
  /** Directory a relative path is resolved against; defaults to the root (the runner pins it there). */
  cwd?: string;
  /** Resolve symlinks, junctions and 8.3 names on disk; defaults to true when `platform` is the host's. */
  realpath?: boolean;
  /** What `~` expands to; defaults to os.homedir(). */
  home?: string;
}

export function refuse(code: SandboxCode, reason: string, resolved?: string): SandboxVerdict {
  return resolved === undefined
    ? { inside: false, code, reason }
    : { inside: false, code, reason, resolved };
}
