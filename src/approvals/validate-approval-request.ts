import { PreconditionError } from '../../contracts/errors.ts';
import type { ApprovalKind } from './approval-types.ts';

const COMMIT_SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/;
const SHA256 = /^[0-9a-f]{64}$/;
const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

export interface ApprovalRequest {
  kind: ApprovalKind;
  requester: string;
  repo: string;
  pr: number;
  /**
   * Head SHA (merge, synthetic, rollback), or for exec the guard's `approval_binding_sha256`
   * (runner/src/guard/parsed-form.ts: the parsed form and the exact text); lowercase hex.
   */
  target: string;
  summary: string;
  /** The repo config's approval.expiry_minutes. */
  expiryMinutes: number;
}

/**
 * Throws PreconditionError INVALID_APPROVAL_REQUEST, naming the field, when a request is malformed.
 *
 * @example validateApprovalRequest({ ...request, pr: 0 }); // throws "pr 0 is not a PR number"
 */
export function validateApprovalRequest(input: ApprovalRequest): void {
  const bad = (field: string, message: string, hint: string): never => {
    throw new PreconditionError('INVALID_APPROVAL_REQUEST', `${field} ${message}`, { hint });
  };
  if (!REPO.test(input.repo))
    bad('repo', `"${input.repo}" is not owner/name`, 'pass the full repository name');
  if (!Number.isInteger(input.pr) || input.pr < 1)
    bad('pr', `${input.pr} is not a PR number`, 'pass a positive integer');
  if (input.requester.trim() === '') bad('requester', 'is empty', "pass the requester's login");
  const pattern = input.kind === 'exec' ? SHA256 : COMMIT_SHA;
  if (!pattern.test(input.target)) {
    bad(
      'target',
      `"${input.target}" is not ${input.kind === 'exec' ? 'a sha256 of the parsed command' : 'a commit SHA'}`,
      "pass lowercase hex: the head SHA, or the guard's approval_binding_sha256 for exec",
    );
  }
  if (!Number.isFinite(input.expiryMinutes) || input.expiryMinutes <= 0) {
    bad(
      'expiryMinutes',
      `${input.expiryMinutes} is not a positive number`,
      'use approval.expiry_minutes from the repo config',
    );
  }
}
