import { isApprovalId } from '../approvals/approval-id.ts';
import {
  COMMANDS,
  COMMAND_NAMES,
  MODE_OPTIONS,
  usageOf,
  type CommandName,
  type CommandSpec,
} from './command-table.ts';
import { closestMatch } from './edit-distance.ts';
import { code, fail, type CommandError, type Outcome } from './command-error.ts';
import { parseExec } from './parse-exec.ts';
import { scanComment, type ScannedLine } from './scan-comment.ts';

export type Mode = 'dry-run' | 'apply';

/** A valid `/ko` command. `mode` is absent when the comment did not choose one (config decides). */
export type KoCommand =
  | { name: 'help'; topic?: CommandName }
  | { name: 'status' }
  | { name: 'plan' }
  | { name: 'retry' }
  | { name: 'merge'; mode?: Mode }
  | { name: 'rollback'; mode?: Mode }
  | { name: 'synthetic'; mode?: Mode }
  | { name: 'approve'; id?: string }
  | { name: 'abort'; id?: string }
  | { name: 'cancel'; job?: string }
  | { name: 'exec'; command: string; source: 'line' | 'block'; language?: string };

export type { CommandError, CommandErrorCode } from './command-error.ts';

interface ParseMeta {
  /** 1-based line of the `/ko` line that was read. */
  line: number;
  /** The `/ko` line as typed (trimmed). */
  text: string;
  /** Further `/ko` lines in the same comment, which were not run (one command per comment). */
  ignoredLines: number[];
}

export type ParseResult =
  ({ ok: true; command: KoCommand } & ParseMeta) | ({ ok: false; error: CommandError } & ParseMeta);

const COMMAND_LINE = /^ {0,3}\/ko(?=\s|$)(.*)$/i;
const JOB_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const HELP_HINT = '`/ko help` lists the commands.';

/**
 * Reads the `/ko` command of a comment body. Only lines that start with `/ko` (after at most three
 * spaces) count, outside code blocks, quotes and HTML comments. One command per comment: the first
 * such line is read and later ones are reported in `ignoredLines`, never run. Returns null when the
 * comment holds no `/ko` line at all (the comment is not for KO: stay silent).
 *
 * @example parseCommand('/ko merge --apply'); // { ok: true, command: { name: 'merge', mode: 'apply' }, line: 1, ... }
 */
export function parseCommand(body: string): ParseResult | null {
  const lines = scanComment(body);
  const commandLines = lines.filter((l) => !l.inert && COMMAND_LINE.test(l.text));
  const first = commandLines[0];
  if (!first) return null;
  const meta: ParseMeta = {
    line: first.number,
    text: first.text.trim(),
    ignoredLines: commandLines.slice(1).map((l) => l.number),
  };
  const rest = (COMMAND_LINE.exec(first.text) as RegExpExecArray)[1] as string;
  const outcome = parseRest(rest, lines.slice(first.number));
  return 'error' in outcome
    ? { ok: false, error: outcome.error, ...meta }
    : { ok: true, command: outcome.command, ...meta };
}

function parseRest(rest: string, following: readonly ScannedLine[]): Outcome {
  const match = /^\s*(\S+)(.*)$/s.exec(rest);
  if (!match) {
    return fail('MISSING_COMMAND', '`/ko` needs a command.', `Try \`/ko help\`. ${HELP_HINT}`);
  }
  const word = (match[1] as string).toLowerCase();
  const remainder = (match[2] as string).trim();
  if (!(COMMAND_NAMES as readonly string[]).includes(word)) return unknownCommand(word, remainder);
  const spec = COMMANDS[word as CommandName];
  if (spec.argument.kind === 'rest') return parseExec(remainder, following);
  return parseArguments(spec, remainder);
}

function unknownCommand(word: string, remainder: string): Outcome {
  const message = `${code(`/ko ${word}`)} is not a KO command.`;
  const match = closestMatch(word, COMMAND_NAMES);
  if (match === undefined) return fail('UNKNOWN_COMMAND', message, HELP_HINT);
  // Keep the user's arguments in the suggestion only when the corrected line would be valid.
  const withRest = remainder === '' ? undefined : `${match} ${remainder}`;
  const suggested =
    withRest !== undefined && !('error' in parseRest(withRest, [])) ? withRest : match;
  return fail('UNKNOWN_COMMAND', message, `Did you mean ${code(`/ko ${suggested}`)}? ${HELP_HINT}`);
}

function parseArguments(spec: CommandSpec, remainder: string): Outcome {
  const tokens = remainder === '' ? [] : remainder.split(/\s+/);
  const usage = `Usage: ${code(usageOf(spec.name))}.`;
  let mode: Mode | undefined;
  const positionals: string[] = [];
  for (const token of tokens) {
    if (!/^[-\u2013\u2014]/.test(token)) {
      positionals.push(token);
      continue;
    }
    const option = token.toLowerCase();
    if (!spec.modeOptions) {
      return fail(
        'UNKNOWN_OPTION',
        `${code(`/ko ${spec.name}`)} takes no options, but got ${code(token)}.`,
        usage,
      );
    }
    if (!(MODE_OPTIONS as readonly string[]).includes(option)) {
      const near = closestMatch(option, MODE_OPTIONS);
      const hint =
        near === undefined ? usage : `Did you mean ${code(`/ko ${spec.name} ${near}`)}? ${usage}`;
      return fail(
        'UNKNOWN_OPTION',
        `${code(token)} is not an option of ${code(`/ko ${spec.name}`)}.`,
        hint,
      );
    }
    const chosen: Mode = option === '--apply' ? 'apply' : 'dry-run';
    if (mode !== undefined && mode !== chosen) {
      return fail(
        'CONFLICTING_OPTIONS',
        '`--apply` and `--dry-run` cannot be used together.',
        `Choose one: ${code(`/ko ${spec.name} --apply`)} or ${code(`/ko ${spec.name} --dry-run`)}.`,
      );
    }
    mode = chosen;
  }
  const modePart = mode === undefined ? {} : { mode };
  return buildCommand(spec, positionals, modePart, usage);
}

function buildCommand(
  spec: CommandSpec,
  positionals: string[],
  modePart: { mode?: Mode },
  usage: string,
): Outcome {
  const [first, second] = positionals;
  if (second !== undefined || (first !== undefined && spec.argument.kind === 'none')) {
    const extra = (spec.argument.kind === 'none' ? first : second) as string;
    const asOption = `--${extra.toLowerCase()}`;
    const hint =
      spec.modeOptions && (MODE_OPTIONS as readonly string[]).includes(asOption)
        ? `Did you mean ${code(`/ko ${spec.name} ${asOption}`)}? ${usage}`
        : usage;
    return fail(
      'UNEXPECTED_ARGUMENT',
      `${code(`/ko ${spec.name}`)} does not take ${code(extra)}.`,
      hint,
    );
  }
  switch (spec.argument.kind) {
    case 'none':
      return { command: { name: spec.name, ...modePart } as KoCommand };
    case 'approval-id': {
      const name = spec.name as 'approve' | 'abort';
      if (first === undefined) return { command: { name } };
      const id = first.replace(/^#/, '').toLowerCase();
      if (first.startsWith('#') || !isApprovalId(id)) {
        const hint = isApprovalId(id)
          ? `Did you mean ${code(`/ko ${name} ${id}`)}?`
          : '`/ko status` lists the pending approvals with their ids.';
        return fail(
          'INVALID_ARGUMENT',
          `${code(first)} is not an approval id (4 to 8 letters and digits, like \`a7k2\`).`,
          hint,
        );
      }
      return { command: { name, id } };
    }
    case 'job-id':
      if (first === undefined) return { command: { name: 'cancel' } };
      if (!JOB_ID.test(first)) {
        return fail(
          'INVALID_ARGUMENT',
          `${code(first)} is not a job id (letters, digits and . _ : -, up to 64).`,
          '`/ko status` lists the running jobs with their ids.',
        );
      }
      return { command: { name: 'cancel', job: first } };
    case 'command-name': {
      if (first === undefined) return { command: { name: 'help' } };
      const topic = first.toLowerCase().replace(/^\/ko$/, 'help');
      if ((COMMAND_NAMES as readonly string[]).includes(topic)) {
        return { command: { name: 'help', topic: topic as CommandName } };
      }
      const near = closestMatch(topic, COMMAND_NAMES);
      return fail(
        'UNKNOWN_COMMAND',
        `${code(first)} is not a KO command.`,
        near === undefined ? HELP_HINT : `Did you mean ${code(`/ko help ${near}`)}? ${HELP_HINT}`,
      );
    }
    case 'rest':
      throw new TypeError('exec is parsed by parseExec');
  }
}
