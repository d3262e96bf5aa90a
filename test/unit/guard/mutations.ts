/**
 * Deterministic obfuscations of a command, the kinds the issue names: case flips, backticks
 * inside names, Unicode dashes, parameter prefixes, colon-bound switches, module
 * qualification, call operator with a string, line continuations.
 */
export type Mutation = { name: string; apply: (command: string) => string };

const FIRST_WORD = /^([A-Za-z][\w.-]*)(?=\s|$)/;
/** Letters whose backtick escape means something else in PowerShell 7 (`n, `e...). */
const ESCAPE_LETTERS = new Set(['0', 'a', 'b', 'e', 'f', 'n', 'r', 't', 'v', 'u']);

function mapFirstWord(command: string, f: (word: string) => string): string {
  const m = FIRST_WORD.exec(command);
  return m ? f(m[1] as string) + command.slice((m[1] as string).length) : command;
}

function insertBackticks(word: string, safeOnly: boolean): string {
  let out = '';
  for (let i = 0; i < word.length; i += 1) {
    const c = word[i] as string;
    const eligible =
      i > 0 && /[A-Za-z]/.test(c) && (!safeOnly || !ESCAPE_LETTERS.has(c.toLowerCase()));
    out += eligible && i % 2 === 1 ? `\`${c}` : c;
  }
  return out;
}

function alternateCase(word: string): string {
  return [...word].map((c, i) => (i % 2 === 0 ? c.toUpperCase() : c.toLowerCase())).join('');
}

export const MUTATIONS: Mutation[] = [
  { name: 'upper case', apply: (c) => c.toUpperCase() },
  { name: 'lower case', apply: (c) => c.toLowerCase() },
  { name: 'alternating case in the name', apply: (c) => mapFirstWord(c, alternateCase) },
  {
    name: 'backticks in the name (non-escape letters)',
    apply: (c) => mapFirstWord(c, (w) => insertBackticks(w, true)),
  },
  {
    name: 'backticks in the name (any letter)',
    apply: (c) => mapFirstWord(c, (w) => insertBackticks(w, false)),
  },
  { name: 'en dash parameters', apply: (c) => c.replace(/ -(?=[A-Za-z])/g, ' \u2013') },
  { name: 'em dash parameters', apply: (c) => c.replace(/ -(?=[A-Za-z])/g, ' \u2014') },
  { name: 'horizontal bar parameters', apply: (c) => c.replace(/ -(?=[A-Za-z])/g, ' \u2015') },
  {
    name: 'three-letter parameter prefixes',
    apply: (c) => c.replace(/ -([A-Za-z]{3})[A-Za-z]+/g, ' -$1'),
  },
  {
    name: 'two-letter parameter prefixes',
    apply: (c) => c.replace(/ -([A-Za-z]{2})[A-Za-z]+/g, ' -$1'),
  },
  {
    name: 'colon-bound switches',
    apply: (c) => c.replace(/ -([A-Za-z]+)(?=\s+-|\s*$|\s*;|\s*\|)/g, ' -$1:$true'),
  },
  {
    name: 'module-qualified name',
    apply: (c) =>
      mapFirstWord(c, (w) => (w.includes('-') ? `Microsoft.PowerShell.Management\\${w}` : w)),
  },
  { name: 'call operator with a string', apply: (c) => mapFirstWord(c, (w) => `& '${w}'`) },
  { name: 'line continuation', apply: (c) => c.replace(/ (?=-)/, ' `\n ') },
  { name: 'extra blanks', apply: (c) => c.replace(/ /g, ' \t ') },
];
