import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type AnySchemaObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { SCHEMA_FILE_BY_TYPE } from '../ko-v1/generated/frames.ts';
import type { MessageType } from '../ko-v1/generated/ko-v1.ts';

const schemaDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'ko-v1');

/**
 * strict: the schemas as written; unknown fields fail. Used by encodeFrame (we never send what
 * the schema does not know) and by conformance tests.
 * tolerant: unknown fields are dropped before validation (ajv `removeAdditional`), so a peer on a
 * later ko-v1 revision with extra optional fields is still understood. See contracts/README.md.
 */
export type ValidationMode = 'strict' | 'tolerant';

export const MESSAGE_TYPES = Object.keys(SCHEMA_FILE_BY_TYPE) as MessageType[];

type ValidatorSet = Map<MessageType, ValidateFunction>;
const compiled = new Map<ValidationMode, ValidatorSet>();

function loadSchemas(): AnySchemaObject[] {
  return readdirSync(schemaDir)
    .filter((name) => name.endsWith('.schema.json'))
    .map((name) => JSON.parse(readFileSync(join(schemaDir, name), 'utf8')) as AnySchemaObject);
}

function compileAll(mode: ValidationMode): ValidatorSet {
  const ajv = new Ajv({
    strict: true,
    // if/then blocks name properties declared beside them, which strictRequired cannot see.
    strictRequired: false,
    allErrors: false,
    allowUnionTypes: true,
    removeAdditional: mode === 'tolerant',
  });
  // ajv-formats is CommonJS: Node hands over module.exports, whose .default is the plugin too.
  addFormats.default(ajv, ['date-time']);
  for (const schema of loadSchemas()) ajv.addSchema(schema);
  const set: ValidatorSet = new Map();
  for (const type of MESSAGE_TYPES) {
    const validate = ajv.getSchema(schemaId(SCHEMA_FILE_BY_TYPE[type]));
    if (!validate) throw new Error(`schema for ${type} did not compile`);
    set.set(type, validate);
  }
  return set;
}

function schemaId(file: string): string {
  return `https://kobong-orchestrator.local/ko-v1/${file}`;
}

/**
 * The compiled validator for one message type. Schemas are compiled once per mode, on first use.
 *
 * @example validatorFor('hello', 'strict')(frame) // true or false, errors on .errors
 */
export function validatorFor(type: MessageType, mode: ValidationMode): ValidateFunction {
  let set = compiled.get(mode);
  if (!set) {
    set = compileAll(mode);
    compiled.set(mode, set);
  }
  const validate = set.get(type);
  if (!validate) throw new Error(`no schema for message type ${type}`);
  return validate;
}
