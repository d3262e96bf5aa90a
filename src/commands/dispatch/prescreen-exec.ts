import { checkCommand, type GuardDecision } from '../../../runner/src/guard/check-command.ts';

/**
 * The app-side guard pre-check of a `/ko exec` command (the runner checks again, with PowerShell's
 * own parser, and never trusts this verdict). Paths are judged against a virtual repository root
 * without touching the disk: the app has no checkout.
 *
 * @example prescreenExec('Get-ChildItem').verdict; // 'allow'
 */
export function prescreenExec(command: string): GuardDecision {
  return checkCommand(command, { root: '/ko-repo', platform: 'linux', realpath: false });
}
