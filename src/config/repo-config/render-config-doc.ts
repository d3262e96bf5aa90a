import { listSchemaOptions } from './config-schema.ts';

function typeOf(schema: Record<string, unknown>): string {
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (schema.type === 'array') {
    const items = (schema.items ?? {}) as Record<string, unknown>;
    return `list of ${String(items.type ?? 'value')}s`;
  }
  if (schema.type === 'object') return 'section';
  return String(schema.type);
}

/**
 * The options table of docs/configuration.md, generated from the schema so the docs cannot drift.
 *
 * @example renderConfigDoc().includes('`approval.required`'); // true
 */
export function renderConfigDoc(): string {
  const rows = listSchemaOptions().map(({ path, schema }) => {
    const fallback = schema.type === 'object' ? '' : `\`${JSON.stringify(schema.default)}\``;
    const description = String(schema.description ?? '').replace(/\|/g, '\\|');
    return `| \`${path}\` | ${typeOf(schema)} | ${fallback} | ${description} |`;
  });
  return ['| Option | Type | Default | What it does |', '| --- | --- | --- | --- |', ...rows].join(
    '\n',
  );
}
