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
 *
 * Start-up cost matters (every job pays it; issue 4 allows 15 % over a bare pwsh). The engine
 * resolves every type literal in a script (function bodies included) before running it, and a
 * first lookup of a type such as [Console] or [System.Text.UTF8Encoding] costs about 0.1 s of
 * CPU, measured here: a sixth of a whole pwsh start. So the header names types as strings
 * (`'System.Console' -as [type]`, where [type] is a cheap accelerator) and resolves them only
 * on the paths that need them.
 */

const header = [
  '#Requires -Version 7.0',
  "# Written by ko-runner: header, the job's command, then the footer that sets the exit code.",
  "$ErrorActionPreference = 'Stop'",
  "$ProgressPreference = 'SilentlyContinue'",
  '$PSNativeCommandUseErrorActionPreference = $true',
  "$PSStyle.OutputRendering = 'PlainText'",
  // Windows needs the console encodings set. On POSIX .NET follows the locale, which is UTF-8
  // unless it names another charset, and touching [Console] costs start-up time: only then. The
  // setters can throw where no console is attached (a Windows service).
  'function __koUseUtf8 {',
  "  $utf8 = ('System.Text.UTF8Encoding' -as [type])::new($false)",
  "  $console = 'System.Console' -as [type]",
  '  try { $console::OutputEncoding = $utf8; $console::InputEncoding = $utf8 } catch { }',
  '  $global:OutputEncoding = $utf8',
  '}',
  'if ($IsWindows -or "$env:LC_ALL $env:LC_CTYPE $env:LANG" -match \'\\.(?!utf-?8)\') { __koUseUtf8 }',
  'function __koFail($record) {',
  '  $code = 1',
  "  if ($record.Exception.GetType().FullName -eq 'System.Management.Automation.NativeCommandExitException') { $code = $record.Exception.ExitCode }",
  '  $where = $record.InvocationInfo',
  '  $at = ""',
  '  if ($null -ne $where -and $where.ScriptName -eq $PSCommandPath) { $at = " (command line $($where.ScriptLineNumber - HEADER_LINES): $($where.Line.Trim()))" }',
  '  elseif ($null -ne $where -and $where.ScriptName) { $at = " ($($where.ScriptName):$($where.ScriptLineNumber))" }',
  '  (\'System.Console\' -as [type])::Error.WriteLine("$($record.CategoryInfo.Reason): $($record.Exception.Message)$at")',
  '  exit $code',
  '}',
  '$global:LASTEXITCODE = 0',
  'Set-StrictMode -Version Latest',
];
header.push('try {');
// Error positions are reported as lines of the command, which starts right after the header.
const headerText = header.join('\n').replace('HEADER_LINES', String(header.length));

const footer = [
  // Its own line: `$?` must see the command's last statement and nothing else.
  '$__koLastOk = $?',
  '} catch { __koFail $_ }',
  'if (-not $__koLastOk -and $global:LASTEXITCODE) { exit $global:LASTEXITCODE }',
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
  return [headerText, body, '', ...footer, ''].join('\n');
}
