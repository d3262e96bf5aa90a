import type { DynamicConstruct } from './parsed-command.ts';

/** Variables whose value changes what later commands do. */
const STEERING =
  /^\$\{?(global:|script:|local:)?(psdefaultparametervalues|\w*preference|ofs|executioncontext|host|psmoduleautoloadingpreference)\b/i;

/**
 * What an assignment's left side means to the guard: a change of the environment
 * (`$env:GIT_CONFIG_COUNT = 1`, `$PSDefaultParameterValues[...] = ...`, preference variables),
 * a property or index set on an object (`(Get-Item x).Attributes = 'Hidden'`), or nothing
 * (`$x = 1`). Both front ends call this, so they agree.
 *
 * @example classifyAssignment('$env:PATH') // { kind: 'environment-change', text: '$env:PATH' }
 */
export function classifyAssignment(lhs: string): DynamicConstruct | undefined {
  const text = lhs.trim();
  if (/^\$\{?env:/i.test(text) || STEERING.test(text)) return { kind: 'environment-change', text };
  if (/\.|::|\[/.test(text.replace(/^(\[[^\]]*\])+/, '')))
    return { kind: 'member-assignment', text };
  return undefined;
}
