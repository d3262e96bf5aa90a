/**
 * The text of a job's script.ps1: a fixed header, the user's command, and a footer that decides
 * the exit code. The exit-code rules (tested in test/integration/executor/exit-codes.test.ts):
 *
 * 1. `exit N` anywhere → N.
 * 2. A native command that exits non-zero stops the script, and its code becomes the job's
 *    (`$PSNativeCommandUseErrorActionPreference`, like `set -e`). A step that tolerates a failing
 *    tool sets `$PSNativeCommandUseErrorActionPreference = $false` around it.
 * 3. Any other terminating error (throw, a failing cmdlet under ErrorActionPreference Stop, a
 *    strict-mode violation) → 1, with the error and its line in the command on stderr.
 * 4. The command ends normally → 0, unless its very last statement was a native command that
 *    failed with fail-fast turned off: then that command's code.
 *
 * Rule 4 is where actions/runner's pwsh template goes wrong: its footer exits with
 * `$LASTEXITCODE` whenever the variable exists, so a native failure the script had handled
 * earlier (say `git diff --quiet` used as a test) still fails the step after later commands
 * succeeded. `$LASTEXITCODE` only says what the last native command did, not whether it was the
 * last thing that ran; `$?` right after the command's last statement says that.
 */

/** Lines before the user's command; error positions are reported relative to the command. */
const header = [
  '#Requires -Version 7.0',
  "# Written by ko-runner: header, then the job's command, then the footer that sets the exit code.",
  'Set-StrictMode -Version Latest',
  "$ErrorActionPreference = 'Stop'",
  "$ProgressPreference = 'SilentlyContinue'",
  '$PSNativeCommandUseErrorActionPreference = $true',
  "$PSStyle.OutputRendering = 'PlainText'",
  // Setting the console encodings can fail where no console is attached (a Windows service).
  'try { [Console]::OutputEncoding = [Console]::InputEncoding = [System.Text.UTF8Encoding]::new($false) } catch { }',
  '$OutputEncoding = [System.Text.UTF8Encoding]::new($false)',
  '$global:LASTEXITCODE = 0',
  'try {',
];

/** The line number in script.ps1 of the command's first line. */
export const commandFirstLine = header.length + 1;

const footer = [
  // Its own line: `$?` must see the command's last statement and nothing else.
  '$__koLastOk = $?',
  '} catch {',
  '  $__koError = $_',
  '  $__koCode = 1',
  '  if ($__koError.Exception -is [System.Management.Automation.NativeCommandExitException]) { $__koCode = $__koError.Exception.ExitCode }',
  '  $__koWhere = $__koError.InvocationInfo',
  '  $__koAt = ""',
  `  if ($null -ne $__koWhere -and $__koWhere.ScriptName -eq $PSCommandPath) { $__koAt = " (command line $($__koWhere.ScriptLineNumber - ${header.length}): $($__koWhere.Line.Trim()))" }`,
  '  elseif ($null -ne $__koWhere -and $__koWhere.ScriptName) { $__koAt = " ($($__koWhere.ScriptName):$($__koWhere.ScriptLineNumber))" }',
  '  [Console]::Error.WriteLine("$($__koError.CategoryInfo.Reason): $($__koError.Exception.Message)$__koAt")',
  '  exit $__koCode',
  '}',
  'if (-not $__koLastOk -and $global:LASTEXITCODE -is [int] -and $global:LASTEXITCODE -ne 0) { exit $global:LASTEXITCODE }',
  'exit 0',
];

/**
 * Wraps a command in KO's standard header and footer.
 *
 * @example buildJobScript('git status') // '#Requires -Version 7.0\n…git status\n…exit 0\n'
 */
export function buildJobScript(command: string): string {
  const body = command.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  // The blank line ends a last statement that closes with a line-continuation backtick, so the
  // footer's first line is never glued onto it.
  return [...header, body, '', ...footer, ''].join('\n');
}
