import { CMDLET_PARAMETERS, COMMON_PARAMETERS } from './cmdlet-table.generated.ts';

interface ParameterMeta {
  name: string;
  aliases: string[];
  isSwitch: boolean;
  positions: number[];
}

/** Parameters that exist on Windows only (dynamic provider parameters), added to the generated table. */
const WINDOWS_EXTRAS: Record<string, string> = {
  'remove-item': 'stream',
  'get-content': 'stream',
  'set-content': 'stream',
  'add-content': 'stream',
  'clear-content': 'stream',
  'get-item': 'stream',
};

function parseEntry(entry: string): ParameterMeta {
  const [head = '', positionText] = entry.split('@');
  const isSwitch = head.endsWith(':s');
  const [name = '', ...aliases] = (isSwitch ? head.slice(0, -2) : head).split('/');
  const positions = positionText === undefined ? [] : positionText.split('.').map(Number);
  return { name, aliases, isSwitch, positions };
}

const common = COMMON_PARAMETERS.split('|').map(parseEntry);
const cache = new Map<string, ParameterMeta[]>();

/**
 * The parameters of a known cmdlet (canonical lower-case name), or undefined when the guard has
 * no metadata for it.
 *
 * @example cmdletParameters('remove-item')?.find((p) => p.name === 'recurse')?.isSwitch // true
 */
export function cmdletParameters(name: string): ParameterMeta[] | undefined {
  const cached = cache.get(name);
  if (cached) return cached;
  const entry = CMDLET_PARAMETERS[name];
  if (entry === undefined) return undefined;
  const extras = WINDOWS_EXTRAS[name];
  const own = [entry, extras].filter(Boolean).join('|').split('|').filter(Boolean).map(parseEntry);
  const all = [...own, ...common];
  cache.set(name, all);
  return all;
}

/** Parameters whose choice makes a command more dangerous; an ambiguous prefix picks these first. */
const DANGER_ORDER = [
  'recurse',
  'force',
  'literalpath',
  'path',
  'destination',
  'value',
  'filepath',
  'argumentlist',
  'scriptblock',
  'command',
];

type Resolution = 'exact' | 'prefix' | 'ambiguous' | 'unknown';

/**
 * Resolves a parameter as written (`r`, `Rec`, `fo`) the way PowerShell does: an exact name or
 * alias first, then a unique prefix. An ambiguous prefix (PowerShell refuses to run it) resolves
 * to the most dangerous candidate so the policy judges the worst reading.
 *
 * @example resolveParameter(cmdletParameters('remove-item')!, 'Rec') // { meta: recurse, resolution: 'prefix' }
 */
export function resolveParameter(
  params: ParameterMeta[],
  written: string,
): { meta?: ParameterMeta; resolution: Resolution } {
  const key = written.toLowerCase();
  const exact = params.find((p) => p.name === key || p.aliases.includes(key));
  if (exact) return { meta: exact, resolution: 'exact' };
  const candidates = params.filter(
    (p) => p.name.startsWith(key) || p.aliases.some((a) => a.startsWith(key)),
  );
  if (candidates.length === 1) return { meta: candidates[0], resolution: 'prefix' };
  if (candidates.length === 0 || key.length === 0) return { resolution: 'unknown' };
  const ranked = [...candidates].sort((a, b) => rank(a.name) - rank(b.name));
  return { meta: ranked[0], resolution: 'ambiguous' };
}

function rank(name: string): number {
  const i = DANGER_ORDER.indexOf(name);
  if (i >= 0) return i;
  return name.startsWith('disable') || name.startsWith('exclusion') ? -1 : DANGER_ORDER.length;
}
