import type { ErrorObject } from 'ajv';
import { closestMatch } from '../../commands/edit-distance.ts';
import { schemaAt } from './config-schema.ts';
import type { ConfigIssue } from './types.ts';

function example(field: string, value: unknown): string {
  const key = field.split('.').at(-1) ?? field;
  return `\`${key}: ${JSON.stringify(value)}\``;
}

/**
 * Turns one ajv error into an issue that names the field and says what to do.
 *
 * @example describeSchemaError(error).problem; // 'is not a known option'
 */
export function describeSchemaError(error: ErrorObject): Omit<ConfigIssue, 'line'> {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const field = path
    .map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : `${i === 0 ? '' : '.'}${s}`))
    .join('');
  const schema = schemaAt(path.filter((s) => !/^\d+$/.test(s)));
  const fallback =
    schema?.default === undefined ? '' : ` The default is ${example(field, schema.default)}.`;
  switch (error.keyword) {
    case 'additionalProperties': {
      const unknown = String((error.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys((schemaAt(path)?.properties ?? {}) as object);
      const near = closestMatch(unknown, known);
      return {
        field: field === '' ? unknown : `${field}.${unknown}`,
        problem: 'is not a known option',
        fix:
          near === undefined
            ? `Remove it. The options here are: ${known.map((k) => `\`${k}\``).join(', ')}.`
            : `Did you mean \`${near}\`? Rename it, or remove it.`,
      };
    }
    case 'type': {
      if (field === '') {
        return {
          field,
          problem: 'must be a mapping of options',
          fix: 'Write options as `key: value` lines, e.g. `mode: dry-run`.',
        };
      }
      const type = String((error.params as { type: string }).type);
      const noun = type === 'object' ? 'mapping of options' : type;
      const article = /^[aeiou]/.test(noun) ? 'an' : 'a';
      return {
        field,
        problem: `must be ${article} ${noun}`,
        fix: `Set it to ${article} ${noun}.${fallback}`,
      };
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const near = typeof error.data === 'string' ? closestMatch(error.data, allowed) : undefined;
      return {
        field,
        problem: `must be one of ${allowed.map((a) => `\`${a}\``).join(', ')}`,
        fix:
          near === undefined
            ? `Pick one of them.${fallback}`
            : `Did you mean ${example(field, near)}?`,
      };
    }
    case 'minimum':
    case 'maximum':
      return {
        field,
        problem: `must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${String((error.params as { limit: number }).limit)}`,
        fix: `Set a value between ${String(schema?.minimum)} and ${String(schema?.maximum)}.${fallback}`,
      };
    case 'uniqueItems':
      return { field, problem: 'lists the same entry twice', fix: 'Remove the duplicate.' };
    default:
      return {
        field,
        problem: `is not valid (${error.message ?? error.keyword})`,
        fix: `${String(schema?.description ?? 'See docs/configuration.md.')}${fallback}`,
      };
  }
}
