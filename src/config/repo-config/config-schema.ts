import { readFileSync } from 'node:fs';
import type { AnySchemaObject } from 'ajv';

/** contracts/repo-config/ko-config.schema.json, the source of truth for `.github/ko.yml`. */
export const REPO_CONFIG_SCHEMA = JSON.parse(
  readFileSync(
    new URL('../../../contracts/repo-config/ko-config.schema.json', import.meta.url),
    'utf8',
  ),
) as AnySchemaObject;

export interface SchemaOption {
  /** Dotted path, e.g. `approval.required`. */
  path: string;
  schema: AnySchemaObject;
}

/**
 * Every option of the schema, depth first, objects before their children.
 *
 * @example listSchemaOptions().map((o) => o.path).includes('approval.expiry_minutes'); // true
 */
export function listSchemaOptions(
  schema: AnySchemaObject = REPO_CONFIG_SCHEMA,
  prefix = '',
): SchemaOption[] {
  const properties = (schema.properties ?? {}) as Record<string, AnySchemaObject>;
  return Object.entries(properties).flatMap(([name, child]) => {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    return [{ path, schema: child }, ...listSchemaOptions(child, path)];
  });
}

/**
 * The schema of the option at `path` (dotted), or undefined.
 *
 * @example schemaAt(['merge', 'method'])?.default; // 'squash'
 */
export function schemaAt(path: readonly string[]): AnySchemaObject | undefined {
  let node: AnySchemaObject | undefined = REPO_CONFIG_SCHEMA;
  for (const segment of path) {
    node = (node?.properties as Record<string, AnySchemaObject> | undefined)?.[segment];
  }
  return node;
}
