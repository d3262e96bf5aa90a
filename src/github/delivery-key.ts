import { readArray, readNumber, readRepo, readString } from './read-payload.ts';

/**
 * The ordering key of a delivery: deliveries with one key are handled one at a time, in arrival
 * order. Everything about one pull request shares `owner/repo#n` (so two comments on a PR are
 * answered in the order they were written, and a push is seen before a later comment); check
 * events without a PR share their head SHA; installation events their installation; anything
 * else runs on its own key. On SQS FIFO this is the MessageGroupId (ADR 0006).
 *
 * @example deliveryKey('issue_comment', payload, 'd-1'); // 'acme/app#1'
 */
export function deliveryKey(event: string, payload: unknown, deliveryId: string): string {
  const where = readRepo(payload);
  const repo = where ? `${where.owner}/${where.repo}` : undefined;
  const pr =
    readNumber(payload, 'issue.number') ??
    readNumber(payload, 'pull_request.number') ??
    (event === 'pull_request' ? readNumber(payload, 'number') : undefined) ??
    readNumber(readArray(payload, 'check_run.pull_requests')[0], 'number') ??
    readNumber(readArray(payload, 'check_suite.pull_requests')[0], 'number');
  if (repo !== undefined && pr !== undefined) return `${repo}#${pr}`.toLowerCase();
  const sha =
    readString(payload, 'check_run.head_sha') ?? readString(payload, 'check_suite.head_sha');
  if (repo !== undefined && sha !== undefined) return `${repo}@${sha}`.toLowerCase();
  const installation = readNumber(payload, 'installation.id');
  if (event.startsWith('installation') && installation !== undefined) {
    return `installation:${installation}`;
  }
  return `delivery:${deliveryId}`;
}
