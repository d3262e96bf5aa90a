import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  authorize,
  authorizeDecision,
  isBot,
  type AuthorizeInput,
  type GuardVerdict,
} from '../../../src/commands/authorize.ts';
import type { KoCommand, Mode } from '../../../src/commands/parse-command.ts';
import { normalizePermission, type PermissionResponse } from '../../../src/commands/permission.ts';
import { resolveMode } from '../../../src/commands/resolve-mode.ts';

// GitHub's published example of GET /repos/{o}/{r}/collaborators/{u}/permission.
const require = createRequire(import.meta.url);
const openapi = require('@octokit/openapi/generated/api.github.com.json') as {
  components: {
    examples: Record<
      string,
      { value: PermissionResponse & { user: { login: string; type: string } } }
    >;
  };
};
const adminExample =
  openapi.components.examples[
    'repository-collaborator-permission-response-if-user-has-admin-permissions'
  ]!.value;

/** The published example with the permission fields swapped, as GitHub answers for other roles. */
function response(permission: string, role_name?: string): PermissionResponse {
  const copy: PermissionResponse = { ...adminExample, permission };
  if (role_name === undefined) delete copy.role_name;
  else copy.role_name = role_name;
  return copy;
}

describe('normalizePermission', () => {
  const cases: { input: PermissionResponse | null; expected: string }[] = [
    { input: adminExample, expected: 'admin' },
    { input: response('write', 'maintain'), expected: 'maintain' },
    { input: response('read', 'triage'), expected: 'triage' },
    { input: response('write', 'write'), expected: 'write' },
    { input: response('write'), expected: 'write' },
    { input: response('read'), expected: 'read' },
    { input: response('none'), expected: 'none' },
    { input: response('ADMIN'), expected: 'admin' },
    // A custom repository role: role_name is the role's own name; the legacy field is its base.
    { input: response('write', 'security-reviewer'), expected: 'write' },
    { input: response('mystery', 'unknown-role'), expected: 'none' },
    { input: {}, expected: 'none' },
    { input: null, expected: 'none' },
    { input: { permission: null, role_name: null }, expected: 'none' },
  ];
  it.each(cases)('$input.permission/$input.role_name → $expected', ({ input, expected }) => {
    expect(normalizePermission(input)).toBe(expected);
  });
});

describe('authorize: permission levels', () => {
  const human = { login: adminExample.user.login, type: 'User' };
  type Case = {
    command: KoCommand;
    mode?: Mode;
    guardVerdict?: GuardVerdict;
    role: string;
    expected: 'allow' | 'deny';
    required: string;
  };
  const cases: Case[] = [
    { command: { name: 'help' }, role: 'read', expected: 'allow', required: 'read' },
    { command: { name: 'status' }, role: 'read', expected: 'allow', required: 'read' },
    { command: { name: 'plan' }, role: 'read', mode: 'apply', expected: 'allow', required: 'read' },
    { command: { name: 'status' }, role: 'none', expected: 'deny', required: 'read' },
    { command: { name: 'merge' }, role: 'write', expected: 'allow', required: 'write' },
    { command: { name: 'merge' }, role: 'triage', expected: 'deny', required: 'write' },
    { command: { name: 'merge' }, role: 'read', expected: 'deny', required: 'write' },
    {
      command: { name: 'merge', mode: 'apply' },
      mode: 'apply',
      role: 'write',
      expected: 'deny',
      required: 'admin',
    },
    {
      command: { name: 'merge', mode: 'apply' },
      mode: 'apply',
      role: 'maintain',
      expected: 'deny',
      required: 'admin',
    },
    {
      command: { name: 'merge', mode: 'apply' },
      mode: 'apply',
      role: 'admin',
      expected: 'allow',
      required: 'admin',
    },
    // Apply mode from the repo config counts too, not just the option.
    {
      command: { name: 'merge' },
      mode: 'apply',
      role: 'write',
      expected: 'deny',
      required: 'admin',
    },
    { command: { name: 'synthetic' }, role: 'write', expected: 'allow', required: 'write' },
    {
      command: { name: 'synthetic', mode: 'apply' },
      mode: 'apply',
      role: 'maintain',
      expected: 'deny',
      required: 'admin',
    },
    {
      command: { name: 'synthetic', mode: 'apply' },
      mode: 'apply',
      role: 'admin',
      expected: 'allow',
      required: 'admin',
    },
    { command: { name: 'rollback' }, role: 'maintain', expected: 'deny', required: 'admin' },
    {
      command: { name: 'rollback', mode: 'dry-run' },
      role: 'admin',
      expected: 'allow',
      required: 'admin',
    },
    { command: { name: 'approve' }, role: 'write', expected: 'deny', required: 'admin' },
    {
      command: { name: 'approve', id: 'a7k2' },
      role: 'admin',
      expected: 'allow',
      required: 'admin',
    },
    { command: { name: 'abort' }, role: 'write', expected: 'allow', required: 'write' },
    { command: { name: 'abort' }, role: 'triage', expected: 'deny', required: 'write' },
    { command: { name: 'cancel' }, role: 'write', expected: 'allow', required: 'write' },
    { command: { name: 'retry' }, role: 'read', expected: 'deny', required: 'write' },
    {
      command: { name: 'exec', command: 'Get-Date', source: 'line' },
      guardVerdict: 'allow',
      role: 'write',
      expected: 'allow',
      required: 'write',
    },
    {
      command: { name: 'exec', command: 'Remove-Item x', source: 'line' },
      guardVerdict: 'approval',
      role: 'write',
      expected: 'deny',
      required: 'admin',
    },
    {
      command: { name: 'exec', command: 'Remove-Item x', source: 'line' },
      guardVerdict: 'approval',
      role: 'admin',
      expected: 'allow',
      required: 'admin',
    },
    // No verdict yet: treated as needing approval.
    {
      command: { name: 'exec', command: 'Get-Date', source: 'line' },
      role: 'maintain',
      expected: 'deny',
      required: 'admin',
    },
    {
      command: { name: 'exec', command: 'Format-Volume', source: 'line' },
      guardVerdict: 'deny',
      role: 'admin',
      expected: 'deny',
      required: 'admin',
    },
  ];
  it.each(cases)('$command.name ($mode, $guardVerdict) by $role → $expected', (c) => {
    const input: AuthorizeInput = {
      command: c.command,
      commenter: human,
      permission: response(
        c.role === 'maintain' ? 'write' : c.role === 'triage' ? 'read' : c.role,
        c.role,
      ),
      mode: c.mode ?? 'dry-run',
      ...(c.guardVerdict ? { guardVerdict: c.guardVerdict } : {}),
    };
    const result = authorize(input);
    expect(result.decision).toBe(c.expected);
    expect(result.required).toBe(c.required);
    expect(result.reason).toContain(human.login);
  });

  it('says the guard blocked an exec command', () => {
    const result = authorize({
      command: { name: 'exec', command: 'Format-Volume', source: 'line' },
      commenter: human,
      permission: adminExample,
      mode: 'apply',
      guardVerdict: 'deny',
    });
    expect(result.reason).toMatch(/guard blocks/);
  });
});

describe('authorize: bots', () => {
  const cases = [
    { commenter: { login: 'dependabot[bot]', type: 'Bot' }, allowedBots: [], expected: 'ignore' },
    {
      commenter: { login: 'ko-app[bot]', type: 'Bot' },
      allowedBots: ['renovate[bot]'],
      expected: 'ignore',
    },
    {
      commenter: { login: 'Renovate[bot]', type: 'Bot' },
      allowedBots: ['renovate[bot]'],
      expected: 'allow',
    },
    // The login suffix is enough; the type is enough.
    { commenter: { login: 'sneaky[bot]', type: 'User' }, allowedBots: [], expected: 'ignore' },
    { commenter: { login: 'machine', type: 'Bot' }, allowedBots: [], expected: 'ignore' },
    { commenter: { login: 'alice', type: 'User' }, allowedBots: [], expected: 'allow' },
    // An allow-listed bot still needs the permission.
    {
      commenter: { login: 'renovate[bot]', type: 'Bot' },
      allowedBots: ['renovate[bot]'],
      permission: 'read',
      expected: 'deny',
    },
  ];
  it.each(cases)('$commenter.login with $allowedBots → $expected', (c) => {
    const result = authorize({
      command: { name: 'merge' },
      commenter: c.commenter,
      permission: response(c.permission ?? 'write'),
      mode: 'dry-run',
      allowedBots: c.allowedBots,
    });
    expect(result.decision).toBe(c.expected);
  });

  it('recognizes bots', () => {
    expect(isBot({ login: 'github-actions[bot]' })).toBe(true);
    expect(isBot({ login: 'bot-lover', type: 'User' })).toBe(false);
  });
});

describe('authorizeDecision (four eyes)', () => {
  const cases = [
    { requester: 'alice', actor: 'bob', expected: 'allow' },
    { requester: 'alice', actor: 'alice', expected: 'deny' },
    { requester: 'Alice', actor: 'aLICE', expected: 'deny' },
    { requester: 'ko-app[bot]', actor: 'alice', expected: 'allow' },
  ];
  it.each(cases)('$requester decided by $actor → $expected', ({ requester, actor, expected }) => {
    const result = authorizeDecision({ requester, actor });
    expect(result.decision).toBe(expected);
    if (expected === 'deny') expect(result.reason).toMatch(/four eyes/);
  });
});

describe('resolveMode', () => {
  const cases = [
    { requested: undefined, configMode: 'dry-run', dryRunLabel: false, expected: 'dry-run' },
    { requested: undefined, configMode: 'apply', dryRunLabel: false, expected: 'apply' },
    { requested: 'apply', configMode: 'dry-run', dryRunLabel: false, expected: 'apply' },
    { requested: 'dry-run', configMode: 'apply', dryRunLabel: false, expected: 'dry-run' },
    { requested: 'apply', configMode: 'apply', dryRunLabel: true, expected: 'dry-run' },
    { requested: undefined, configMode: 'apply', dryRunLabel: true, expected: 'dry-run' },
  ] as const;
  it.each(cases)('$requested/$configMode/label=$dryRunLabel → $expected', (c) => {
    const resolved = resolveMode({
      ...(c.requested ? { requested: c.requested } : {}),
      configMode: c.configMode,
      dryRunLabel: c.dryRunLabel,
    });
    expect(resolved.mode).toBe(c.expected);
    expect(resolved.reason.startsWith(c.expected)).toBe(true);
  });

  it('says when --apply was overruled by the label', () => {
    expect(
      resolveMode({ requested: 'apply', configMode: 'apply', dryRunLabel: true }).reason,
    ).toMatch(/--apply. was ignored/);
  });
});
