export type VerdictClass = 'allow' | 'approval' | 'deny';

/** One reason the policy found; the command's verdict is the worst finding. */
export interface Finding {
  verdict: VerdictClass;
  /** A stable rule id (`recursive-delete`, `not-allow-listed`...), listed in docs/guard.md. */
  rule: string;
  reason: string;
}

export interface PolicyContext {
  /** The repository root commands must stay inside (absolute). */
  root: string;
  /** Whose path rules apply (the runner's OS); `win32` rules run anywhere. */
  platform: NodeJS.Platform;
  /** Resolve symlinks on disk (true on the runner; false when judging another OS's paths). */
  realpath: boolean;
  /** Where relative paths start: the job's working directory (absolute). Defaults to the root. */
  cwd?: string;
}

const ORDER: Record<VerdictClass, number> = { allow: 0, approval: 1, deny: 2 };

export function severity(v: VerdictClass): number {
  return ORDER[v];
}
