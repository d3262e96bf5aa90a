/** The schema version this code writes. Older files are migrated on load (see migrations.ts). */
export const CURRENT_SCHEMA_VERSION = 1;

const keyedCollection = {
  type: 'object',
  description: 'records by id; each record carries its own id',
  additionalProperties: {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', minLength: 1 } },
  },
} as const;

/**
 * JSON Schema (draft-07) of `experience.json` at CURRENT_SCHEMA_VERSION. `data` stays open
 * (additionalProperties) so later issues can add collections, but each extra collection must be
 * an object or an array, never a loose scalar.
 */
export const experienceSchemaV1 = {
  $id: 'https://kobong.dev/schemas/experience-v1.json',
  type: 'object',
  additionalProperties: false,
  required: ['schema_version', 'write_seq', 'written_at', 'checksum', 'data'],
  properties: {
    schema_version: { const: 1 },
    write_seq: { type: 'integer', minimum: 0, description: '+1 per committed write' },
    written_at: { type: 'string', format: 'date-time' },
    checksum: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
    data: {
      type: 'object',
      required: ['workflows', 'runs', 'approvals', 'runners', 'counters', 'audit_head'],
      additionalProperties: { type: ['object', 'array'] },
      properties: {
        workflows: keyedCollection,
        runs: {
          type: 'array',
          description: 'synthetic run history; lead_time_ms once a run finished',
          items: {
            type: 'object',
            required: ['id'],
            properties: {
              id: { type: 'string', minLength: 1 },
              lead_time_ms: { type: 'number', minimum: 0 },
            },
          },
        },
        approvals: keyedCollection,
        runners: keyedCollection,
        counters: { type: 'object', additionalProperties: { type: 'integer' } },
        audit_head: {
          oneOf: [
            { type: 'null' },
            {
              type: 'object',
              required: ['seq', 'hash', 'file', 'time'],
              properties: {
                seq: { type: 'integer', minimum: 1 },
                hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
                file: { type: 'string' },
                time: { type: 'string', format: 'date-time' },
              },
            },
          ],
        },
      },
    },
  },
} as const;
