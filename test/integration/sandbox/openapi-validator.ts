import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);
// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule })
  .default ?? addFormatsModule) as unknown as (ajv: Ajv) => void;

function pointer(...parts: string[]): string {
  return parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

/**
 * OpenAPI 3.0 allows `nullable: true` beside `allOf`/`$ref` without a `type`; JSON Schema (and
 * ajv) cannot read that, so such nodes become `anyOf: [node, { type: 'null' }]` (same meaning).
 */
export function normalizeNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalizeNullable);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = normalizeNullable(v);
  // `nullable` with an `enum` that lacks null: OpenAPI 3.0.3 says null must be listed; the
  // description means it (GitHub answers `conclusion: null` for a queued check run).
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null))
    out.enum = [...(out.enum as unknown[]), null];
  if (out.nullable === true && out.type === undefined) {
    const { nullable: _n, ...rest } = out;
    return { anyOf: [rest, { type: 'null' }] };
  }
  return out;
}

export function newAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  return ajv;
}

/**
 * Validates REST responses against GitHub's published OpenAPI description (GHES 3.19 from
 * @octokit/openapi): loaded once, each operation's schema compiled on first use.
 */
export class OpenApiValidator {
  private readonly ajv = newAjv();
  private readonly spec: {
    paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
  };
  private readonly cache = new Map<string, ValidateFunction | null>();

  constructor() {
    const file = require.resolve('@octokit/openapi/generated/ghes-3.19.json');
    this.spec = normalizeNullable(JSON.parse(readFileSync(file, 'utf8'))) as typeof this.spec;
    this.ajv.addSchema(this.spec as object, 'ghes');
  }

  /** The compiled schema for an operation's response, or null when the spec has no JSON body for it. */
  validatorFor(method: string, template: string, status: number): ValidateFunction | null {
    const key = `${method} ${template} ${status}`;
    if (this.cache.has(key)) return this.cache.get(key) ?? null;
    const op = this.spec.paths[template]?.[method.toLowerCase()];
    if (!op) throw new Error(`the OpenAPI description has no operation ${method} ${template}`);
    const response = op.responses?.[String(status)] as
      { content?: Record<string, unknown>; $ref?: string } | undefined;
    let fn: ValidateFunction | null = null;
    if (response?.$ref || response?.content?.['application/json']) {
      const ref = response.$ref
        ? `ghes${response.$ref}/content/application~1json/schema`
        : `ghes#/${pointer('paths', template, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}`;
      fn = this.ajv.compile({ $ref: ref });
    }
    this.cache.set(key, fn);
    return fn;
  }

  /** Error text for a response body, or an empty list when it conforms. */
  check(method: string, template: string, status: number, body: unknown): string[] {
    const op = this.spec.paths[template]?.[method.toLowerCase()];
    if (!op) return [`the OpenAPI description has no operation ${method} ${template}`];
    if (!op.responses?.[String(status)])
      return [`${method} ${template}: status ${status} is not a documented response`];
    const fn = this.validatorFor(method, template, status);
    if (!fn || fn(body)) return [];
    return (fn.errors ?? []).map(
      (e) =>
        `${method} ${template} ${status}: ${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    );
  }
}

/** Validates webhook payloads against @octokit/openapi-webhooks (GHES 3.19), per event and action. */
export class WebhookValidator {
  private readonly ajv = newAjv();
  private readonly spec: {
    webhooks: Record<
      string,
      { post: { requestBody: { content: Record<string, { schema: { $ref: string } }> } } }
    >;
  };
  private readonly cache = new Map<string, ValidateFunction>();

  constructor() {
    const file = require.resolve('@octokit/openapi-webhooks/generated/ghes-3.19.json');
    this.spec = JSON.parse(readFileSync(file, 'utf8')) as typeof this.spec;
    this.ajv.addSchema(this.spec as object, 'hooks');
  }

  check(event: string, action: unknown, payload: unknown): string[] {
    const key = `${event.replace(/_/g, '-')}${typeof action === 'string' ? `-${action.replace(/_/g, '-')}` : ''}`;
    const hook = this.spec.webhooks[key];
    if (!hook) return [`no webhook schema named ${key}`];
    let fn = this.cache.get(key);
    if (!fn) {
      fn = this.ajv.compile({
        $ref: `hooks${hook.post.requestBody.content['application/json']?.schema.$ref ?? ''}`,
      });
      this.cache.set(key, fn);
    }
    if (fn(payload)) return [];
    return (fn.errors ?? []).map(
      (e) => `${key}: ${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    );
  }
}
