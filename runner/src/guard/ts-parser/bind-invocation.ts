import { canonicalCommandName } from '../canonical-name.ts';
import type { ArgValue, BoundParameter, Invocation } from '../parsed-command.ts';
import { cmdletParameters, resolveParameter } from './cmdlet-table.ts';
import type { RawCommand, RawElement } from './raw-command.ts';

function argvOf(elements: RawElement[]): string[] {
  return elements.map((e) => {
    if (e.kind === 'end-of-params') return '--';
    if (e.kind === 'arg') return e.value.text;
    return e.value ? `-${e.rawName}:${e.value.text}` : `-${e.rawName}`;
  });
}

/**
 * Turns a raw command into an Invocation: canonical name, and for a known cmdlet, parameters
 * resolved from prefixes and aliases, switch-versus-value decided by the metadata, and
 * positional arguments bound to their parameters.
 *
 * @example bindInvocation({ rawName: 'rm', staticName: true, via: 'direct', depth: 0, elements: [...] }).name // 'remove-item'
 */
export function bindInvocation(
  raw: RawCommand,
  redefined: ReadonlyMap<string, string> = new Map(),
): Invocation {
  const target = redefined.get(raw.rawName.toLowerCase());
  const canonical =
    target === undefined
      ? canonicalCommandName(raw.rawName)
      : { ...canonicalCommandName(target), alias: raw.rawName.toLowerCase() };
  const name = raw.staticName ? canonical.name : '<dynamic>';
  const meta = raw.staticName ? cmdletParameters(name) : undefined;
  const parameters: BoundParameter[] = [];
  const positional: ArgValue[] = [];
  let afterEndOfParams = false;
  for (let i = 0; i < raw.elements.length; i += 1) {
    const element = raw.elements[i] as RawElement;
    if (element.kind === 'end-of-params') {
      afterEndOfParams = true;
      continue;
    }
    if (element.kind === 'arg' || afterEndOfParams) {
      if (element.kind === 'arg') positional.push(element.value);
      else
        positional.push({
          text: `-${element.rawName}`,
          items: [`-${element.rawName}`],
          static: true,
        });
      continue;
    }
    if (!meta) {
      parameters.push({
        name: element.rawName.toLowerCase(),
        rawName: element.rawName,
        value: element.value,
        resolution: 'unknown',
      });
      continue;
    }
    const { meta: param, resolution } = resolveParameter(meta, element.rawName);
    let value = element.value;
    const next = raw.elements[i + 1];
    if (value === undefined && param && !param.isSwitch && next?.kind === 'arg') {
      value = next.value;
      i += 1;
    }
    parameters.push({
      name: param?.name ?? element.rawName.toLowerCase(),
      rawName: element.rawName,
      value,
      resolution,
    });
  }
  if (meta) {
    const bound = new Set(parameters.map((p) => p.name));
    positional.forEach((value, index) => {
      const param = meta.find((p) => p.positions.includes(index) && !bound.has(p.name));
      if (param) {
        bound.add(param.name);
        parameters.push({
          name: param.name,
          rawName: `#${index}`,
          value,
          resolution: 'positional',
        });
      }
    });
  }
  const invocation: Invocation = {
    name,
    rawName: raw.rawName,
    knownCmdlet: meta !== undefined,
    staticName: raw.staticName,
    parameters,
    positional,
    argv: argvOf(raw.elements),
    invokedVia: raw.via,
    depth: raw.depth,
  };
  if (canonical.alias !== undefined) invocation.alias = canonical.alias;
  if (canonical.qualifier !== undefined) invocation.qualifier = canonical.qualifier;
  return invocation;
}
