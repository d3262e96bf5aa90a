import { fourEyesViolation } from '../approvals/four-eyes.ts';
import { COMMANDS } from './command-table.ts';
import type { KoCommand, Mode } from './parse-command.ts';
import {
  hasPermission,
  normalizePermission,
  type Permission,
  type PermissionResponse,
} from './permission.ts';

/** The comment author as the webhook payload gives it (`comment.user`). */
export interface Commenter {
  login: string;
  /** "User", "Bot" or "Organization". */
  type?: string | null;
}

/** The guard's verdict on an exec command (`VerdictClass` in runner/src/guard/policy/verdict.ts). */
export type GuardVerdict = 'allow' | 'approval' | 'deny';

export interface AuthorizeInput {
  command: KoCommand;
  commenter: Commenter;
  /** The body of GET /repos/{owner}/{repo}/collaborators/{username}/permission. */
  permission: PermissionResponse;
  /** The mode the command would run in (see resolveMode). */
  mode: Mode;
  /** For exec: the guard's pre-screen verdict. Missing counts as "approval" (the safe side). */
  guardVerdict?: GuardVerdict;
  /** Bot logins (e.g. "renovate[bot]") whose commands are read; all other bots are ignored. */
  allowedBots?: readonly string[];
}

export interface AuthorizeResult {
  /** "ignore" means: do not act and do not reply (bots, so two bots cannot talk in a loop). */
  decision: 'allow' | 'deny' | 'ignore';
  required: Permission;
  actual: Permission;
  /** One sentence for the reply and the audit record. */
  reason: string;
}

/**
 * True for GitHub App and other bot accounts.
 *
 * @example isBot({ login: 'dependabot[bot]', type: 'Bot' }); // true
 */
export function isBot(commenter: Commenter): boolean {
  return commenter.type === 'Bot' || commenter.login.toLowerCase().endsWith('[bot]');
}

/**
 * The permission a command needs, with why (for the reply).
 *
 * @example requiredPermission({ name: 'merge', mode: 'apply' }, 'apply'); // { permission: 'admin', why: 'apply mode' }
 */
function requiredPermission(
  command: KoCommand,
  mode: Mode,
  guardVerdict: GuardVerdict = 'approval',
): { permission: Permission; why: string } {
  const access = COMMANDS[command.name].access;
  if (command.name === 'exec' && guardVerdict !== 'allow' && access.guardApproval) {
    return {
      permission: access.guardApproval,
      why: 'the guard wants an approval for this command',
    };
  }
  if (mode === 'apply' && access.apply) return { permission: access.apply, why: 'apply mode' };
  return { permission: access.base, why: `/ko ${command.name}` };
}

/**
 * Decides whether a commenter may run a command, from their repository permission as the API
 * reports it (not `author_association`, which says nothing about write access).
 *
 * @example authorize({ command: { name: 'status' }, commenter: { login: 'ann' }, permission: { permission: 'read' }, mode: 'dry-run' }).decision; // 'allow'
 */
export function authorize(input: AuthorizeInput): AuthorizeResult {
  const { command, commenter } = input;
  const actual = normalizePermission(input.permission);
  const { permission: required, why } = requiredPermission(command, input.mode, input.guardVerdict);
  if (isBot(commenter)) {
    const allowed = (input.allowedBots ?? []).some(
      (bot) => bot.toLowerCase() === commenter.login.toLowerCase(),
    );
    if (!allowed) {
      return {
        decision: 'ignore',
        required,
        actual,
        reason: `${commenter.login} is a bot that is not in commands.allowed_bots`,
      };
    }
  }
  if (command.name === 'exec' && input.guardVerdict === 'deny') {
    return {
      decision: 'deny',
      required,
      actual,
      reason: `the guard blocks this command for everyone, @${commenter.login} included`,
    };
  }
  if (!hasPermission(actual, required)) {
    return {
      decision: 'deny',
      required,
      actual,
      reason: `@${commenter.login} has ${actual} access, but ${why} needs ${required}`,
    };
  }
  return {
    decision: 'allow',
    required,
    actual,
    reason: `@${commenter.login} has ${actual} access; ${why} needs ${required}`,
  };
}

/**
 * The four-eyes check for deciding (proceed or abort) an approval: whoever asked for it can never
 * decide it, whatever their permission.
 *
 * @example authorizeDecision({ requester: 'ann', actor: 'bob' }); // { decision: 'allow', reason: ... }
 */
export function authorizeDecision(input: { requester: string; actor: string }): {
  decision: 'allow' | 'deny';
  reason: string;
} {
  const violation = fourEyesViolation(input.requester, input.actor);
  return violation === undefined
    ? { decision: 'allow', reason: `${input.actor} is not the requester (${input.requester})` }
    : { decision: 'deny', reason: violation };
}
