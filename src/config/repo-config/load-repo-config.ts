import { Ajv, type ValidateFunction } from 'ajv';
import { Cron } from 'croner';
import { LineCounter, isMap, isNode, parseDocument, type Document } from 'yaml';
import { PreconditionError } from '../../../contracts/errors.ts';
import { REPO_CONFIG_SCHEMA } from './config-schema.ts';
import { describeSchemaError } from './describe-schema-error.ts';
import type { ConfigIssue, KoRepoConfig } from './types.ts';

let validator: ValidateFunction | undefined;

function validate(value: unknown): ValidateFunction {
  validator ??= new Ajv({
    strict: true,
    allErrors: true,
    useDefaults: true,
    verbose: true,
  }).compile(REPO_CONFIG_SCHEMA);
  validator(value);
  return validator;
}

export type RepoConfigResult =
  { ok: true; config: KoRepoConfig } | { ok: false; issues: ConfigIssue[] };

/** The 1-based line of the node (or, with `key`, the key) at `path` in the YAML document. */
function lineOf(
  doc: Document,
  counter: LineCounter,
  path: string[],
  key?: string,
): number | undefined {
  const node = doc.getIn(path, true);
  let range: readonly number[] | null | undefined;
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find(
      (item) => isNode(item.key) && String((item.key as { value?: unknown }).value) === key,
    );
    range = isNode(pair?.key) ? pair.key.range : undefined;
  } else if (isNode(node)) {
    range = node.range;
  }
  return range ? counter.linePos(range[0] as number).line : undefined;
}

/**
 * Parses and validates `.github/ko.yml`. `null` (no file) and an empty file give the defaults.
 * The caller must fetch the file from the repository's DEFAULT branch, never from the PR head:
 * a pull request must not be able to loosen its own rules (e.g. set `approval.required: false`).
 *
 * @example parseRepoConfig('mode: apply\n'); // { ok: true, config: { mode: 'apply', ... } }
 */
export function parseRepoConfig(text: string | null): RepoConfigResult {
  const counter = new LineCounter();
  const doc = parseDocument(text ?? '', {
    lineCounter: counter,
    uniqueKeys: true,
    prettyErrors: true,
  });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((error) => ({
        field: '',
        ...(error.linePos ? { line: error.linePos[0].line } : {}),
        problem: `is not valid YAML: ${error.message.split('\n')[0] ?? error.code}`,
        fix: 'Fix the YAML syntax at that line (indent with spaces, quote values that contain `: ` or start with `*`, `&` or `!`).',
      })),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 50 }) ?? {};
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      issues: [
        {
          field: '',
          problem: `could not be read: ${message}`,
          fix: 'Remove YAML aliases (`*name`) and anchors from the file.',
        },
      ],
    };
  }
  const check = validate(value);
  const issues: ConfigIssue[] = (check.errors ?? []).map((error) => {
    const described = describeSchemaError(error);
    const path = error.instancePath.split('/').slice(1);
    const extra =
      error.keyword === 'additionalProperties'
        ? String((error.params as { additionalProperty: string }).additionalProperty)
        : undefined;
    const line = lineOf(doc, counter, path, extra);
    return line === undefined ? described : { ...described, line };
  });
  if (issues.length === 0) {
    const config = value as KoRepoConfig;
    const cronIssue = checkCron(config.synthetic.cron);
    if (cronIssue === undefined) return { ok: true, config };
    const line = lineOf(doc, counter, ['synthetic', 'cron']);
    issues.push(line === undefined ? cronIssue : { ...cronIssue, line });
  }
  return { ok: false, issues };
}

function checkCron(pattern: string): ConfigIssue | undefined {
  try {
    new Cron(pattern, { paused: true }).stop();
    return undefined;
  } catch (error) {
    const message =
      error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error);
    return {
      field: 'synthetic.cron',
      problem: `is not a valid cron expression: ${message}`,
      fix: 'Use five fields, minute hour day month weekday, e.g. `cron: "*/10 * * * *"` (every 10 minutes).',
    };
  }
}

/**
 * Like parseRepoConfig, but throws a PreconditionError (code REPO_CONFIG_INVALID, the issues in
 * `details.issues`) when the file is invalid.
 *
 * @example loadRepoConfig(null).mode; // 'dry-run'
 */
export function loadRepoConfig(text: string | null): KoRepoConfig {
  const result = parseRepoConfig(text);
  if (result.ok) return result.config;
  throw new PreconditionError(
    'REPO_CONFIG_INVALID',
    `.github/ko.yml has ${result.issues.length} problem${result.issues.length === 1 ? '' : 's'}`,
    {
      hint: 'fix the file on the default branch; formatRepoConfigIssues() words them for a PR comment',
      details: { issues: result.issues },
    },
  );
}
