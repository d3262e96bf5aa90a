/**
 * The arguments every job's engine gets. `-File` (not `-Command`) so the script's own `exit N`
 * and the footer decide the exit code, and `$PSCommandPath` names the script.
 *
 * @example execa(pwshPath, pwshArgs('/data/jobs/j1/script.ps1'))
 */
export function pwshArgs(scriptPath: string): string[] {
  return [
    '-NoLogo',
    '-NoProfile',
    '-NonInteractive',
    '-ExecutionPolicy',
    'Bypass',
    '-File',
    scriptPath,
  ];
}
