import {
  COMMANDS,
  COMMAND_NAMES,
  MODE_OPTIONS,
  usageOf,
  type CommandName,
  type CommandSpec,
} from './command-table.ts';

function whoMay(spec: CommandSpec): string {
  const parts = [`${spec.access.base}`];
  if (spec.access.apply) parts.push(`${spec.access.apply} in apply mode`);
  if (spec.access.guardApproval) {
    parts.push(`${spec.access.guardApproval} when the guard asks for approval`);
  }
  return parts.join('; ');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The command table as Markdown: usage, what it does, who may run it. */
function commandTable(): string {
  const rows = COMMAND_NAMES.map((name) => {
    const spec = COMMANDS[name];
    return `| \`${cell(usageOf(name))}\` | ${cell(spec.summary)} | ${whoMay(spec)} |`;
  });
  return ['| Command | What it does | Needs |', '| --- | --- | --- |', ...rows].join('\n');
}

function topicHelp(name: CommandName): string {
  const spec = COMMANDS[name];
  const lines = [`### \`${usageOf(name)}\``, '', spec.summary, '', `Needs: ${whoMay(spec)}.`];
  if (spec.modeOptions) {
    lines.push(
      '',
      `Options: \`${MODE_OPTIONS[0]}\` runs for real, \`${MODE_OPTIONS[1]}\` only plans; without either the repository's \`mode\` decides, and a \`ko:dry-run\` label always forces a dry run.`,
    );
  }
  // The fence must be longer than any backtick run inside (the exec example holds a code block).
  const longestRun = Math.max(
    0,
    ...spec.examples.map((e) => (e.match(/`+/g) ?? []).reduce((m, r) => Math.max(m, r.length), 0)),
  );
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  lines.push('', 'Examples:', '', `${fence}text`, ...spec.examples, fence);
  return lines.join('\n');
}

/**
 * The reply to `/ko help` (all commands) or `/ko help <command>`. No line of it starts with `/ko`
 * outside a code block, so quoting KO's own help can never run a command.
 *
 * @example renderHelp('merge').startsWith('### `/ko merge'); // true
 */
export function renderHelp(topic?: CommandName): string {
  if (topic !== undefined) return topicHelp(topic);
  return [
    '### KO commands',
    '',
    'Comment on a pull request with one command on a line of its own. Only the first `/ko` line of a comment counts; lines in quotes and code blocks are ignored.',
    '',
    commandTable(),
    '',
    'Whoever asked for an approval can never approve or abort it: a second person must (four eyes). `/ko help <command>` shows the details and examples.',
  ].join('\n');
}

/**
 * The generated part of docs/commands.md: every command with its usage, summary, permission and
 * examples, straight from the command table.
 *
 * @example renderCommandsDoc().includes('`/ko exec <command…>`'); // true
 */
export function renderCommandsDoc(): string {
  const details = COMMAND_NAMES.map((name) => topicHelp(name));
  return ['## Command reference', '', commandTable(), '', ...details.flatMap((d) => [d, ''])]
    .join('\n')
    .trimEnd();
}
