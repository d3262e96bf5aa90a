import type { GuardPort } from './runner-ports.ts';

/**
 * The runner's guard check. Until the guard module (runner/src/guard) exposes its verdict
 * function, every command is sent for approval: refusing is the safe default, never allowing.
 *
 * @example const decision = await createGuardPort()('Get-ChildItem', { root, cwd });
 */
export function createGuardPort(): GuardPort {
  return async () => ({
    verdict: 'approval',
    rule: 'guard-unavailable',
    reason: 'the runner guard is not wired in yet; nothing runs without it',
  });
}
