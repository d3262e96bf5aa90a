import { PreconditionError } from '../../contracts/errors.ts';
import type { ApprovalItem } from './approval-types.ts';

const COMMIT_SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/;
const SHA256 = /^[0-9a-f]{64}$/;
const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const TRACE_ID = /^[0-9a-f]{32}$/;

/** What a caller asks for; the queue adds id, times, state and version. */
export type ApprovalRequest = Pick<
  ApprovalItem,
  'kind' | 'requester' | 'repo' | 'pr' | 'target' | 'summary'
> & {
  /** The repo config's approval.expiry_minutes. */
  expiryMinutes: number;
  /** The asker's W3C trace id (32 lowercase hex), stored on the item as `trace_id`. */
  traceId?: string;
};

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
  if (input.traceId !== undefined && !TRACE_ID.test(input.traceId)) {
    bad(
      'traceId',
      `"${input.traceId}" is not a W3C trace id`,
      'pass the 32 lowercase hex digits of the run or delivery trace',
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
