import type { Permission } from './permission.ts';

/** The one source of truth for `/ko` commands: the parser, the help text and the docs read it. */
export const COMMAND_NAMES = [
  'help',
  'status',
  'plan',
  'merge',
  'approve',
  'abort',
  'exec',
  'cancel',
  'retry',
  'rollback',
  'synthetic',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export type ArgumentSpec =
  | { kind: 'none' }
  | { kind: 'approval-id'; name: 'id' }
  | { kind: 'job-id'; name: 'job' }
  | { kind: 'command-name'; name: 'command' }
  | { kind: 'rest'; name: 'command' };

/** Who may run a command; `apply` and `guardApproval` raise the bar in those situations. */
export interface AccessSpec {
  base: Permission;
  /** Needed when the command runs in apply mode (option, label or repo config). */
  apply?: Permission;
  /** Needed when the guard's verdict on an exec command is "approval". */
  guardApproval?: Permission;
}

export interface CommandSpec {
  name: CommandName;
  summary: string;
  argument: ArgumentSpec;
  /** Whether `--apply` / `--dry-run` are accepted. */
  modeOptions: boolean;
  access: AccessSpec;
  examples: readonly string[];
}

export const MODE_OPTIONS = ['--apply', '--dry-run'] as const;

export const COMMANDS: Readonly<Record<CommandName, CommandSpec>> = {
  help: {
    name: 'help',
    summary: 'Show the commands, or the details of one command.',
    argument: { kind: 'command-name', name: 'command' },
    modeOptions: false,
    access: { base: 'read' },
    examples: ['/ko help', '/ko help merge'],
  },
  status: {
    name: 'status',
    summary: 'Show what KO knows about this PR: checks, approvals, running jobs.',
    argument: { kind: 'none' },
    modeOptions: false,
    access: { base: 'read' },
    examples: ['/ko status'],
  },
  plan: {
    name: 'plan',
    summary: 'Show what KO would do for this PR, without doing it (always a dry run).',
    argument: { kind: 'none' },
    modeOptions: false,
    access: { base: 'read' },
    examples: ['/ko plan'],
  },
  merge: {
    name: 'merge',
    summary: 'Ask for a merge once checks pass and approval (where required) is given.',
    argument: { kind: 'none' },
    modeOptions: true,
    access: { base: 'write', apply: 'admin' },
    examples: ['/ko merge', '/ko merge --apply', '/ko merge --dry-run'],
  },
  approve: {
    name: 'approve',
    summary: 'Proceed with a pending approval (not your own); the id is needed when several wait.',
    argument: { kind: 'approval-id', name: 'id' },
    modeOptions: false,
    access: { base: 'admin' },
    examples: ['/ko approve', '/ko approve a7k2'],
  },
  abort: {
    name: 'abort',
    summary: 'Abort a pending approval (not your own); the id is needed when several wait.',
    argument: { kind: 'approval-id', name: 'id' },
    modeOptions: false,
    access: { base: 'write' },
    examples: ['/ko abort', '/ko abort a7k2'],
  },
  exec: {
    name: 'exec',
    summary:
      'Run a PowerShell command on a runner, through the guard: the rest of the line, or a fenced code block on the next lines.',
    argument: { kind: 'rest', name: 'command' },
    modeOptions: false,
    access: { base: 'write', guardApproval: 'admin' },
    examples: ['/ko exec Get-ChildItem -Name', '/ko exec\n```powershell\nGet-Date\n```'],
  },
  cancel: {
    name: 'cancel',
    summary: 'Cancel a queued or running job of this PR; the job id is needed when several run.',
    argument: { kind: 'job-id', name: 'job' },
    modeOptions: false,
    access: { base: 'write' },
    examples: ['/ko cancel', '/ko cancel job-42'],
  },
  retry: {
    name: 'retry',
    summary: "Restart this PR's last failed or conflicted run from the step it ended on.",
    argument: { kind: 'none' },
    modeOptions: false,
    access: { base: 'write' },
    examples: ['/ko retry'],
  },
  rollback: {
    name: 'rollback',
    summary: 'Open a revert PR for the merged change and drive it through the same gate.',
    argument: { kind: 'none' },
    modeOptions: true,
    access: { base: 'admin' },
    examples: ['/ko rollback', '/ko rollback --dry-run'],
  },
  synthetic: {
    name: 'synthetic',
    summary: 'Run the synthetic merge workflow (a one-line change → PR → checks → gate → merge).',
    argument: { kind: 'none' },
    modeOptions: true,
    access: { base: 'write', apply: 'admin' },
    examples: ['/ko synthetic', '/ko synthetic --apply'],
  },
};

/**
 * The usage line of a command, e.g. `/ko approve [id]` or `/ko merge [--apply | --dry-run]`.
 *
 * @example usageOf('exec'); // '/ko exec <command…>'
 */
export function usageOf(name: CommandName): string {
  const spec = COMMANDS[name];
  const parts = ['/ko', name];
  switch (spec.argument.kind) {
    case 'none':
      break;
    case 'rest':
      parts.push(`<${spec.argument.name}…>`);
      break;
    default:
      parts.push(`[${spec.argument.name}]`);
  }
  if (spec.modeOptions) parts.push(`[${MODE_OPTIONS.join(' | ')}]`);
  return parts.join(' ');
}
