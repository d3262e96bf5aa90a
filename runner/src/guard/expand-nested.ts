import { nativeInvocation } from './native-shell/native-invocation.ts';
import { parseCmdLine } from './native-shell/parse-cmd-line.ts';
import { parseShLine } from './native-shell/parse-sh-line.ts';
import { splitCommandLine } from './native-shell/split-command-line.ts';
import {
  emptyParsedCommand,
  mergeParsedCommand,
  type Invocation,
  type InvokedVia,
  type ParsedCommand,
} from './parsed-command.ts';

/** Parses nested PowerShell text; undefined means "not parsed yet" (the pwsh front end batches). */
type NestedPowerShellParser = (
  text: string,
  depth: number,
  via: InvokedVia,
) => ParsedCommand | undefined;

/** Nested PowerShell text the caller has not parsed yet. */
interface PendingText {
  text: string;
  depth: number;
  via: InvokedVia;
}

type Nested =
  | { kind: 'powershell'; text: string; via: InvokedVia }
  | { kind: 'cmd'; text: string }
  | { kind: 'sh'; text: string }
  | { kind: 'invocation'; invocation: Invocation };

const SHELLS = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh', 'ash', 'busybox', 'fish']);
const POWERSHELLS = new Set(['powershell', 'pwsh', 'powershell_ise', 'pwsh-preview']);
const PWSH_VALUE_PARAMS = [
  'executionpolicy',
  'ep',
  'ex',
  'windowstyle',
  'w',
  'workingdirectory',
  'wd',
  'configurationname',
  'config',
  'outputformat',
  'o',
  'of',
  'inputformat',
  'if',
  'inp',
  'version',
  'v',
  'psconsolefile',
  'custompipename',
  'settingsfile',
  'encodedarguments',
  'ea',
];

export const MAX_NESTED_DEPTH = 8;

/**
 * Finds commands nested in other commands' arguments (`cmd /c "..."`, `bash -c '...'`,
 * `powershell -Command ...`, `-EncodedCommand`, `Start-Process x -ArgumentList ...`,
 * `wsl ...`, `iex 'literal'`) and adds their invocations, recursively.
 *
 * @example expandNested(parsePowerShell('cmd /c "rd /s /q x"'), { parsePowerShell: ... }).parsed.invocations.map((i) => i.name) // ['cmd', 'rd']
 */
export function expandNested(
  input: ParsedCommand,
  options: { parsePowerShell: NestedPowerShellParser },
): { parsed: ParsedCommand; pending: PendingText[] } {
  const parsed = emptyParsedCommand();
  mergeParsedCommand(parsed, input);
  const pending: PendingText[] = [];
  const queue = [...parsed.invocations];
  while (queue.length > 0) {
    const invocation = queue.shift() as Invocation;
    for (const nested of nestedOf(invocation, parsed)) {
      const depth = invocation.depth + 1;
      if (depth > MAX_NESTED_DEPTH) {
        parsed.dynamic.push({ kind: 'depth-limit', text: invocation.rawName });
        continue;
      }
      let found: ParsedCommand | undefined;
      if (nested.kind === 'cmd') found = parseCmdLine(nested.text, depth);
      else if (nested.kind === 'sh') found = parseShLine(nested.text, depth);
      else if (nested.kind === 'invocation') {
        found = emptyParsedCommand();
        found.invocations.push({ ...nested.invocation, depth });
      } else {
        found = options.parsePowerShell(nested.text, depth, nested.via);
        if (found === undefined) {
          pending.push({ text: nested.text, depth, via: nested.via });
          continue;
        }
      }
      mergeParsedCommand(parsed, found);
      queue.push(...found.invocations);
    }
  }
  return { parsed, pending };
}

function nestedOf(invocation: Invocation, parsed: ParsedCommand): Nested[] {
  const argv = invocation.argv;
  const name = invocation.name;
  if (name === 'cmd') {
    const i = argv.findIndex((a) => /^\/[ckr]/i.test(a));
    if (i < 0) return [];
    const head = (argv[i] as string).slice(2);
    return [{ kind: 'cmd', text: [head, ...argv.slice(i + 1)].filter(Boolean).join(' ') }];
  }
  if (SHELLS.has(name)) {
    const i = argv.findIndex((a) => /^-[a-z]*c[a-z]*$/i.test(a));
    if (i >= 0 && argv[i + 1] !== undefined) return [{ kind: 'sh', text: argv[i + 1] as string }];
    return [];
  }
  if (name === 'wsl') return wslNested(argv);
  if (POWERSHELLS.has(name)) return powershellNested(argv, parsed);
  if (name === 'start-process') return startProcessNested(invocation, parsed);
  if (name === 'invoke-expression') {
    const command = invocation.parameters.find((p) => p.name === 'command')?.value;
    if (command?.static)
      return [{ kind: 'powershell', text: command.text, via: 'Invoke-Expression' }];
  }
  return [];
}

function wslNested(argv: string[]): Nested[] {
  let i = 0;
  while (i < argv.length) {
    const a = (argv[i] as string).toLowerCase();
    if (['-d', '--distribution', '-u', '--user', '--cd'].includes(a)) i += 2;
    else if (a === '-e' || a === '--exec' || a === '--') {
      i += 1;
      break;
    } else if (a.startsWith('-')) i += 1;
    else break;
  }
  const rest = argv.slice(i);
  if (rest.length === 0) return [];
  return [
    {
      kind: 'invocation',
      invocation: nativeInvocation(rest[0] as string, rest.slice(1), 'wsl', 0),
    },
  ];
}

function powershellNested(argv: string[], parsed: ParsedCommand): Nested[] {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const isParam = /^[-/\u2013\u2014\u2015]/.test(arg);
    if (!isParam)
      return [{ kind: 'powershell', text: argv.slice(i).join(' '), via: 'powershell -Command' }];
    const [rawKey = '', inlineValue] = arg.slice(1).split(':');
    const key = rawKey.toLowerCase();
    // pwsh: -EncodedCommand | -e | -ec, and any longer prefix (`-enc`, `-encod`).
    if (key === 'e' || key === 'ec' || (key.length >= 2 && 'encodedcommand'.startsWith(key))) {
      const encoded = inlineValue ?? argv[i + 1] ?? '';
      parsed.dynamic.push({ kind: 'encoded-command', text: encoded });
      const decoded = decodeEncodedCommand(encoded);
      return decoded === undefined
        ? []
        : [{ kind: 'powershell', text: decoded, via: 'powershell -EncodedCommand' }];
    }
    if (key === 'c' || (key.length > 0 && 'command'.startsWith(key))) {
      const rest =
        inlineValue !== undefined ? [inlineValue, ...argv.slice(i + 1)] : argv.slice(i + 1);
      if (rest.length === 1 && rest[0] === '-') {
        parsed.dynamic.push({
          kind: 'unparsed-nested',
          text: 'powershell -Command - (reads stdin)',
        });
        return [];
      }
      return [{ kind: 'powershell', text: rest.join(' '), via: 'powershell -Command' }];
    }
    if (key === 'f' || (key.length > 0 && 'file'.startsWith(key))) return [];
    if (PWSH_VALUE_PARAMS.includes(key) && inlineValue === undefined) i += 1;
  }
  return [];
}

function startProcessNested(invocation: Invocation, parsed: ParsedCommand): Nested[] {
  const filePath = invocation.parameters.find((p) => p.name === 'filepath')?.value;
  const argumentList = invocation.parameters.find((p) => p.name === 'argumentlist')?.value;
  if (!filePath) return [];
  if (!filePath.static || (argumentList && !argumentList.static)) {
    parsed.dynamic.push({
      kind: 'dynamic-name',
      text: `Start-Process ${filePath.text} ${argumentList?.text ?? ''}`.trim(),
    });
    if (!filePath.static) return [];
  }
  const args = argumentList ? splitCommandLine(argumentList.items.join(' ')) : [];
  return [
    { kind: 'invocation', invocation: nativeInvocation(filePath.text, args, 'Start-Process', 0) },
  ];
}

/**
 * Decodes a `-EncodedCommand` value (base64 of UTF-16LE text), or undefined when it is not one.
 *
 * @example decodeEncodedCommand(Buffer.from('dir', 'utf16le').toString('base64')) // 'dir'
 */
function decodeEncodedCommand(encoded: string): string | undefined {
  const compact = encoded.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) return undefined;
  return Buffer.from(compact, 'base64').toString('utf16le');
}
