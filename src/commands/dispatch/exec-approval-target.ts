import { createHash } from 'node:crypto';

/**
 * What an exec approval is for: the guard's `approval_binding_sha256` (the parsed form and the
 * exact text) and the PR's head SHA, hashed together. The binding alone says nothing about the
 * files a command runs or reads (`./build.ps1` stays the same text whatever a push puts in the
 * file), so a push moves the head and the old approval no longer matches. The runner still
 * checks the binding alone: it knows the text, not the PR.
 *
 * @example execApprovalTarget(guard.approval_binding_sha256, pull.head.sha); // 64 hex digits
 */
export function execApprovalTarget(binding: string, headSha: string): string {
  return createHash('sha256').update(`ko-exec-approval-v1\n${binding}\n${headSha}`).digest('hex');
}
