import { checkCommand } from './guard/check-command.ts';
import type { GuardPort } from './runner-ports.ts';

/**
 * The runner's own guard check (runner/src/guard), run before every job whatever the app
 * decided. Parsing happens on this host, against this --root.
 *
 * @example const decision = await createGuardPort()('Get-ChildItem', { root, cwd }); // { verdict: 'allow', ... }
 */
export function createGuardPort(): GuardPort {
  return async (command, { root }) => {
    const decision = checkCommand(command, { root });
    return {
      verdict: decision.verdict,
      rule: decision.rule,
      reason: decision.reason,
      parsedFormSha256: decision.parsed_form_sha256,
      approvalBindingSha256: decision.approval_binding_sha256,
    };
  };
}
