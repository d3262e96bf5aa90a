import { LogicError } from '../../contracts/errors.ts';
import type { ApprovalItem } from './approval-types.ts';

/** The name of KO's own check run on a PR's head commit. */
export const GATE_CHECK_NAME = 'ko/gate';

/**
 * GitHub's limits for requested_action buttons (at most 3 per check run):
 * https://docs.github.com/en/rest/checks/runs#create-a-check-run (actions[].label,
 * .description, .identifier).
 */
const LIMITS = { label: 20, description: 40, identifier: 20, actions: 3 } as const;

export interface CheckRunAction {
  label: string;
  description: string;
  identifier: string;
}

export type GateAction = 'proceed' | 'abort';

/**
 * The Proceed and Abort buttons for a pending item. The identifier (`proceed:a7k2`) comes back in
 * the check_run.requested_action webhook; parseGateAction reads it.
 *
 * @example gateActions(item).map((a) => a.identifier); // ['proceed:a7k2', 'abort:a7k2']
 */
export function gateActions(item: Pick<ApprovalItem, 'id' | 'kind'>): CheckRunAction[] {
  const actions: CheckRunAction[] = [
    {
      label: 'Proceed',
      description: `Approve this ${item.kind} (${item.id})`,
      identifier: `proceed:${item.id}`,
    },
    {
      label: 'Abort',
      description: `Refuse and stop this ${item.kind}`,
      identifier: `abort:${item.id}`,
    },
  ];
  for (const action of actions) {
    for (const field of ['label', 'description', 'identifier'] as const) {
      if (action[field].length > LIMITS[field]) {
        throw new LogicError(
          'GATE_ACTION_TOO_LONG',
          `Button ${field} "${action[field]}" is longer than ${LIMITS[field]}`,
          {
            hint: 'shorten the text; GitHub rejects the check run otherwise',
          },
        );
      }
    }
  }
  return actions;
}

/**
 * Reads a requested_action identifier made by gateActions; undefined for anything else.
 *
 * @example parseGateAction('abort:a7k2'); // { action: 'abort', id: 'a7k2' }
 */
export function parseGateAction(
  identifier: string,
): { action: GateAction; id: string } | undefined {
  const match = /^(proceed|abort):([a-z0-9]{4,8})$/.exec(identifier);
  return match ? { action: match[1] as GateAction, id: match[2] as string } : undefined;
}

export interface GateCheck {
  name: string;
  state: 'pending' | 'success' | 'failure' | 'missing';
}

export interface GateInput {
  headSha: string;
  /** The required checks (from the repo config) and how they stand on headSha. */
  checks: readonly GateCheck[];
  approvalRequired: boolean;
  /** The approval item for this PR's current work, if one was requested. */
  approval?: ApprovalItem;
  /** A page with more (the dashboard); GitHub links it as "Details". */
  detailsUrl?: string;
}

/** The body for POST/PATCH /repos/{o}/{r}/check-runs (name, head_sha, status, output, actions). */
export interface GateCheckRun {
  name: typeof GATE_CHECK_NAME;
  head_sha: string;
  status: 'in_progress' | 'completed';
  conclusion?: 'success' | 'failure' | 'cancelled' | 'timed_out' | 'action_required';
  details_url?: string;
  output: { title: string; summary: string };
  actions: CheckRunAction[];
}

const ICON: Readonly<Record<GateCheck['state'], string>> = {
  pending: '⏳',
  success: '✅',
  failure: '❌',
  missing: '❔',
};

function checkList(checks: readonly GateCheck[]): string[] {
  if (checks.length === 0)
    return ['- No required checks are configured; every check that reports must pass.'];
  const lines = checks
    .slice(0, 50)
    .map((c) => `- ${ICON[c.state]} \`${c.name.replace(/`/g, "'")}\` ${c.state}`);
  if (checks.length > 50) lines.push(`- … and ${checks.length - 50} more`);
  return lines;
}

function names(checks: readonly GateCheck[]): string {
  const shown = checks
    .slice(0, 3)
    .map((c) => c.name)
    .join(', ');
  return checks.length > 3 ? `${shown} and ${checks.length - 3} more` : shown;
}

/**
 * The ko/gate check run for a PR's head: what it waits for (checks, then a second person), with
 * Proceed/Abort buttons while an approval is pending, and a conclusion once there is an answer.
 *
 * @example buildGateCheckRun({ headSha, checks: [{ name: 'build', state: 'pending' }], approvalRequired: true }).output.title; // 'Waiting for checks: build'
 */
export function buildGateCheckRun(input: GateInput): GateCheckRun {
  const base: Pick<GateCheckRun, 'name' | 'head_sha' | 'details_url'> = {
    name: GATE_CHECK_NAME,
    head_sha: input.headSha,
    ...(input.detailsUrl === undefined ? {} : { details_url: input.detailsUrl }),
  };
  const checksPart = ['**Required checks**', '', ...checkList(input.checks)];
  const failed = input.checks.filter((c) => c.state === 'failure');
  const waiting = input.checks.filter((c) => c.state === 'pending' || c.state === 'missing');
  const done = (
    conclusion: NonNullable<GateCheckRun['conclusion']>,
    title: string,
    lines: string[],
    actions: CheckRunAction[] = [],
  ): GateCheckRun => ({
    ...base,
    status: 'completed',
    conclusion,
    output: { title, summary: [...lines, '', ...checksPart].join('\n') },
    actions,
  });
  const open = (title: string, lines: string[]): GateCheckRun => ({
    ...base,
    status: 'in_progress',
    output: { title, summary: [...lines, '', ...checksPart].join('\n') },
    actions: [],
  });

  if (failed.length > 0)
    return done('failure', `Checks failed: ${names(failed)}`, [
      'KO will not merge while required checks fail. Push a fix, or `/ko retry` after a flaky failure.',
    ]);
  if (waiting.length > 0)
    return open(`Waiting for checks: ${names(waiting)}`, [
      'KO waits for the required checks on this commit before asking for approval.',
    ]);
  if (!input.approvalRequired)
    return done('success', 'Checks passed; no approval needed', [
      'This repository does not require an approval (`approval.required: false`).',
    ]);
  const item = input.approval;
  if (item === undefined || item.target !== input.headSha) {
    return open('Checks passed; waiting for an approval request', [
      'An approval is required. It is requested by `/ko merge`, the `ko:merge` label or the synthetic workflow.',
    ]);
  }
  const what = `${item.summary} (approval \`${item.id}\`, asked by @${item.requester})`;
  switch (item.state) {
    case 'pending':
      // GitHub shows requested_action buttons only on a completed run, and action_required keeps
      // the gate red for branch protection until someone answers.
      return done(
        'action_required',
        `Waiting for approval ${item.id}: Proceed or Abort`,
        [
          `Waiting for a second person to approve: ${what}.`,
          '',
          `Press **Proceed** or **Abort** above, or comment \`/ko approve ${item.id}\` / \`/ko abort ${item.id}\`. @${item.requester} cannot decide their own request (four eyes). Expires at ${item.expires_at}.`,
        ],
        gateActions(item),
      );
    case 'approved':
      return done('success', `Approved by ${item.decided_by ?? 'someone'}`, [
        `Approved: ${what}, by @${item.decided_by ?? '?'} at ${item.decided_at ?? '?'}.`,
      ]);
    case 'aborted':
      return done('failure', `Aborted by ${item.decided_by ?? 'someone'}`, [
        `Aborted: ${what}, by @${item.decided_by ?? '?'}${item.reason ? `: ${item.reason}` : ''}.`,
      ]);
    case 'voided':
      return done('cancelled', 'Approval voided', [
        `Voided: ${what}. Reason: ${item.reason ?? 'not given'}. A new request is needed.`,
      ]);
    case 'expired':
      return done('timed_out', 'Approval expired', [
        `Expired: ${what}; nobody answered by ${item.expires_at}. A new request is needed.`,
      ]);
  }
}
