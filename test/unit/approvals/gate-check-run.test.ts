import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { APPROVAL_KINDS, type ApprovalState } from '../../../src/approvals/approval-types.ts';
import {
  buildGateCheckRun,
  gateActions,
  parseGateAction,
  type GateCheck,
  type GateInput,
} from '../../../src/approvals/gate-check-run.ts';
import { SHA_A, SHA_B, pendingItem } from './fixtures.ts';

// GitHub's published request body schema for POST /repos/{owner}/{repo}/check-runs.
const require = createRequire(import.meta.url);
const openapi = require('@octokit/openapi/generated/api.github.com.deref.json') as {
  paths: Record<string, { post: { requestBody: { content: Record<string, { schema: object }> } } }>;
};
const createCheckRun = new Ajv({ strict: false }).compile(
  openapi.paths['/repos/{owner}/{repo}/check-runs']!.post.requestBody.content['application/json']!
    .schema,
);

describe('gateActions', () => {
  it.each(APPROVAL_KINDS)('fits GitHub limits for %s with the longest id', (kind) => {
    const actions = gateActions({ id: 'zzzzzzzz', kind });
    expect(actions.map((a) => a.label)).toEqual(['Proceed', 'Abort']);
    for (const action of actions) {
      expect(action.label.length).toBeLessThanOrEqual(20);
      expect(action.description.length).toBeLessThanOrEqual(40);
      expect(action.identifier.length).toBeLessThanOrEqual(20);
      expect(parseGateAction(action.identifier)).toEqual({
        action: action.label.toLowerCase(),
        id: 'zzzzzzzz',
      });
    }
  });

  const identifiers = [
    { input: 'proceed:a7k2', expected: { action: 'proceed', id: 'a7k2' } },
    { input: 'abort:a7k2', expected: { action: 'abort', id: 'a7k2' } },
    { input: 'merge:a7k2', expected: undefined },
    { input: 'proceed:', expected: undefined },
    { input: 'proceed:a7k2:x', expected: undefined },
    { input: 'PROCEED:a7k2', expected: undefined },
  ];
  it.each(identifiers)('parseGateAction($input)', ({ input, expected }) => {
    expect(parseGateAction(input)).toEqual(expected);
  });
});

describe('buildGateCheckRun', () => {
  const passed: GateCheck[] = [
    { name: 'build', state: 'success' },
    { name: 'test', state: 'success' },
  ];
  const base: GateInput = {
    headSha: SHA_A,
    checks: passed,
    approvalRequired: true,
    detailsUrl: 'https://ko.example/approvals',
  };
  const decided = (state: ApprovalState) =>
    pendingItem({
      state,
      decided_by: 'bob',
      decided_at: '2026-11-27T12:10:00.000Z',
      reason: state === 'voided' ? 'new push' : null,
    });
  const cases: {
    name: string;
    input: GateInput;
    status: string;
    conclusion?: string;
    title: RegExp;
    buttons: number;
  }[] = [
    {
      name: 'a failed check',
      input: {
        ...base,
        checks: [
          { name: 'build', state: 'failure' },
          { name: 'test', state: 'pending' },
        ],
      },
      status: 'completed',
      conclusion: 'failure',
      title: /^Checks failed: build$/,
      buttons: 0,
    },
    {
      name: 'checks still running',
      input: {
        ...base,
        checks: [
          { name: 'build', state: 'pending' },
          { name: 'lint', state: 'missing' },
          { name: 'test', state: 'success' },
        ],
      },
      status: 'in_progress',
      title: /^Waiting for checks: build, lint$/,
      buttons: 0,
    },
    {
      name: 'many checks running',
      input: {
        ...base,
        checks: ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name, state: 'pending' as const })),
      },
      status: 'in_progress',
      title: /a, b, c and 2 more/,
      buttons: 0,
    },
    {
      name: 'no approval needed',
      input: { ...base, approvalRequired: false },
      status: 'completed',
      conclusion: 'success',
      title: /no approval needed/,
      buttons: 0,
    },
    {
      name: 'no request yet',
      input: base,
      status: 'in_progress',
      title: /waiting for an approval request/,
      buttons: 0,
    },
    {
      name: 'an approval for an older head',
      input: { ...base, headSha: SHA_B, approval: pendingItem() },
      status: 'in_progress',
      title: /waiting for an approval request/,
      buttons: 0,
    },
    {
      name: 'a pending approval',
      input: { ...base, approval: pendingItem() },
      status: 'completed',
      conclusion: 'action_required',
      title: /^Waiting for approval a7k2: Proceed or Abort$/,
      buttons: 2,
    },
    {
      name: 'approved',
      input: { ...base, approval: decided('approved') },
      status: 'completed',
      conclusion: 'success',
      title: /^Approved by bob$/,
      buttons: 0,
    },
    {
      name: 'aborted',
      input: { ...base, approval: decided('aborted') },
      status: 'completed',
      conclusion: 'failure',
      title: /^Aborted by bob$/,
      buttons: 0,
    },
    {
      name: 'voided',
      input: { ...base, approval: decided('voided') },
      status: 'completed',
      conclusion: 'cancelled',
      title: /voided/,
      buttons: 0,
    },
    {
      name: 'expired',
      input: { ...base, approval: decided('expired') },
      status: 'completed',
      conclusion: 'timed_out',
      title: /expired/,
      buttons: 0,
    },
    {
      name: 'no required checks',
      input: { ...base, checks: [], approval: pendingItem() },
      status: 'completed',
      conclusion: 'action_required',
      title: /Waiting for approval/,
      buttons: 2,
    },
  ];
  it.each(cases)('$name', ({ input, status, conclusion, title, buttons }) => {
    const run = buildGateCheckRun(input);
    expect(run.name).toBe('ko/gate');
    expect(run.head_sha).toBe(input.headSha);
    expect(run.status).toBe(status);
    expect(run.conclusion).toBe(conclusion);
    expect(run.output.title).toMatch(title);
    expect(run.actions).toHaveLength(buttons);
    expect(createCheckRun(run), JSON.stringify(createCheckRun.errors)).toBe(true);
  });

  it('tells who may answer a pending approval and how', () => {
    const { output } = buildGateCheckRun({ ...base, approval: pendingItem() });
    expect(output.summary).toContain('`/ko approve a7k2`');
    expect(output.summary).toContain('@ann cannot decide their own request (four eyes)');
    expect(output.summary).toContain('✅ `build` success');
  });

  it('stays under the summary limit with many long check names', () => {
    const checks = Array.from({ length: 500 }, (_, i) => ({
      name: `${'x'.repeat(250)}${i}`,
      state: 'pending' as const,
    }));
    const run = buildGateCheckRun({ ...base, checks });
    expect(run.output.summary).toContain('and 450 more');
    expect(createCheckRun(run)).toBe(true);
  });
});
