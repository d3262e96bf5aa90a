/**
 * Variables a job's PowerShell gets from the runner's own environment: what a shell and the
 * .NET host need to start and find tools, nothing else. A trailing `*` matches by prefix; names
 * compare case-insensitively (Windows spells `Path`). Extend it per runner with `passEnv`.
 */
export const DEFAULT_PASS_ENV: readonly string[] = [
  // Finding programs, home and temp folders.
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'TEMP',
  'TMP',
  'TMPDIR',
  // Locale and terminal.
  'LANG',
  'LANGUAGE',
  'LC_*',
  'TZ',
  'TERM',
  // Windows: the system, the user's profile folders, program locations.
  'SystemRoot',
  'SystemDrive',
  'windir',
  'ComSpec',
  'PATHEXT',
  'USERPROFILE',
  'USERNAME',
  'HOMEDRIVE',
  'HOMEPATH',
  'APPDATA',
  'LOCALAPPDATA',
  'ProgramData',
  'ProgramFiles*',
  'CommonProgramFiles*',
  'PROCESSOR_ARCHITECTURE',
  'NUMBER_OF_PROCESSORS',
  // The .NET host behind PowerShell (a framework-dependent pwsh finds its runtime here).
  'DOTNET_ROOT*',
  'PSModulePath',
];

/**
 * Never taken from the runner's environment, whatever the allow-list says: the runner's own
 * settings (KO_*, among them its token) and anything named like a credential. A job that needs
 * one gets it through its own `env`.
 */
const NEVER_PASSED = [/^KO_/i, /TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|KEY/i];

/** True when `name` must not reach a job from the runner's environment. */
export function isNeverPassed(name: string): boolean {
  return NEVER_PASSED.some((pattern) => pattern.test(name));
}

function matches(name: string, entry: string): boolean {
  const lower = name.toLowerCase();
  const pattern = entry.toLowerCase();
  return pattern.endsWith('*') ? lower.startsWith(pattern.slice(0, -1)) : lower === pattern;
}

export interface JobEnvInput {
  /** The runner's environment (normally `process.env`). */
  runnerEnv: NodeJS.ProcessEnv;
  /** Names (or `PREFIX*` patterns) passed in addition to DEFAULT_PASS_ENV. */
  passEnv?: readonly string[] | undefined;
  /** Set by the executor for every job (NO_COLOR, telemetry opt-outs). */
  fixed?: Record<string, string>;
  /** The job's own variables; they win over everything and are not filtered. */
  jobEnv?: Record<string, string> | undefined;
}

/**
 * The complete environment for a job's engine: allow-listed runner variables minus the
 * never-passed ones, then `fixed`, then the job's own. Meant for a spawn with `extendEnv: false`.
 *
 * @example
 * buildJobEnv({ runnerEnv: { PATH: '/usr/bin', KO_RUNNER_TOKEN: 'kor_x' }, jobEnv: { CI: '1' } });
 * // { PATH: '/usr/bin', CI: '1' }
 */
export function buildJobEnv(input: JobEnvInput): Record<string, string> {
  const allowed = [...DEFAULT_PASS_ENV, ...(input.passEnv ?? [])];
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.runnerEnv)) {
    if (value === undefined || isNeverPassed(name)) continue;
    if (allowed.some((entry) => matches(name, entry))) env[name] = value;
  }
  return { ...env, ...input.fixed, ...input.jobEnv };
}
