// What KO sends to GitHub, recorded at the Octokit it really uses, and checked against the
// request side of GitHub's published OpenAPI description (@octokit/openapi, GHES 3.19).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { KoOctokitClass } from '../../../src/github/throttled-octokit.ts';
import { newAjv, normalizeNullable } from '../sandbox/openapi-validator.ts';

const require = createRequire(import.meta.url);
/** GHES serves REST under /api/v3 and GraphQL at /api/graphql (Octokit derives one from the other). */
const API_PREFIX = /^\/api(\/v3)?(?=\/)/;

/** One request as KO's Octokit sent it (after URL expansion, before any retry). */
export interface SentRequest {
  method: string;
  /** The route KO named (`/repos/{owner}/{repo}/pulls`), or the path when it passed a plain one. */
  route: string;
  /** Path and query under the API base. */
  path: string;
  body: unknown;
}

/**
 * KO's Octokit class (KoOctokitClass) with one more plugin: every request is pushed to `sent`
 * before it goes out. Handed to startApp as `deps.Octokit`, so the app, its handlers and the
 * workflow engine all use it, as they use the real class.
 *
 * @example const sent: SentRequest[] = []; await startApp(options, { Octokit: recordingOctokit(sent) });
 */
export function recordingOctokit(sent: SentRequest[]): typeof KoOctokitClass {
  return KoOctokitClass.plugin((octokit) => {
    octokit.hook.before('request', (options) => {
      const parsed = octokit.request.endpoint.parse(options);
      const url = new URL(parsed.url);
      const path = `${url.pathname.replace(API_PREFIX, '')}${url.search}`;
      sent.push({
        method: parsed.method,
        route: String(options.url).startsWith('/') ? String(options.url) : url.pathname,
        path,
        body: parsed.body ?? undefined,
      });
    });
    return {};
  }) as unknown as typeof KoOctokitClass;
}

interface Parameter {
  name: string;
  in: string;
  $ref?: string;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: {
    required?: boolean;
    content?: Record<string, { schema?: { properties?: Record<string, unknown> } }>;
  };
}

interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { parameters: Record<string, Parameter> };
}

function pointer(...parts: string[]): string {
  return parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

function templateRegex(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) =>
      part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, (c) => `\\${c}`),
    )
    .join('');
  return new RegExp(`^${source}$`);
}

/**
 * The REST description has no GraphQL schema: a GraphQL call is checked for the envelope GitHub
 * documents (https://docs.github.com/en/graphql/guides/forming-calls-with-graphql): a POST whose
 * JSON body holds a `query` string and optional `variables` object, nothing else.
 */
function checkGraphql(request: SentRequest): string[] {
  const body = request.body as { query?: unknown; variables?: unknown } | undefined;
  const problems: string[] = [];
  if (request.method !== 'POST') problems.push(`${request.method} /graphql: GraphQL takes POST`);
  if (typeof body?.query !== 'string') problems.push('POST /graphql: body.query is not a string');
  const vars = body?.variables;
  if (vars !== undefined && (typeof vars !== 'object' || vars === null || Array.isArray(vars)))
    problems.push('POST /graphql: body.variables is not an object');
  for (const key of Object.keys(body ?? {}))
    if (key !== 'query' && key !== 'variables')
      problems.push(`POST /graphql: body field "${key}" is not part of a GraphQL call`);
  return problems;
}

/**
 * Finds the documented operation for each request and checks it: the operation exists, query
 * parameters are documented ones, and the JSON body fits the operation's request body schema
 * with no field the schema does not name (Octokit would send a typo without complaint).
 */
export class OpenApiRequestValidator {
  private readonly ajv = newAjv();
  private readonly spec: Spec;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly byRegex: { template: string; regex: RegExp; params: number }[];

  constructor() {
    const file = require.resolve('@octokit/openapi/generated/ghes-3.19.json');
    this.spec = normalizeNullable(JSON.parse(readFileSync(file, 'utf8'))) as Spec;
    // GitHub's own format for `owner/name` (pulls.create's head_repo); ajv does not know it.
    this.ajv.addFormat('repo.nwo', /^[^/]+\/[^/]+$/);
    this.ajv.addSchema(this.spec as object, 'ghes');
    // Literal segments win over parameters (`/pulls/comments` before `/pulls/{pull_number}`).
    this.byRegex = Object.keys(this.spec.paths)
      .map((template) => ({
        template,
        regex: templateRegex(template),
        params: (template.match(/\{/g) ?? []).length,
      }))
      .sort((a, b) => a.params - b.params);
  }

  /** `METHOD /template` of the documented operation a request is for, or undefined. */
  operationOf(request: SentRequest): string | undefined {
    if (request.path === '/graphql') return 'POST /graphql';
    const method = request.method.toLowerCase();
    if (this.spec.paths[request.route]?.[method]) return `${request.method} ${request.route}`;
    const pathname = request.path.split('?')[0] ?? '';
    const found = this.byRegex.find(
      (t) => t.regex.test(pathname) && this.spec.paths[t.template]?.[method],
    );
    return found ? `${request.method} ${found.template}` : undefined;
  }

  /** Problems with one request; empty when it fits the published description. */
  check(request: SentRequest): string[] {
    if (request.path === '/graphql') return checkGraphql(request);
    const operation = this.operationOf(request);
    const label = `${request.method} ${request.path}`;
    if (operation === undefined)
      return [`${label}: no such operation in GitHub's OpenAPI description`];
    const template = operation.slice(operation.indexOf(' ') + 1);
    const method = request.method.toLowerCase();
    const op = this.spec.paths[template]?.[method] as Operation;
    const problems: string[] = [];
    const query = new URLSearchParams(request.path.split('?')[1] ?? '');
    const documented = new Set(
      (op.parameters ?? [])
        .map((p) => (p.$ref ? this.spec.components.parameters[p.$ref.split('/').pop() ?? ''] : p))
        .filter((p): p is Parameter => p?.in === 'query')
        .map((p) => p.name),
    );
    for (const name of query.keys()) {
      if (!documented.has(name))
        problems.push(`${operation}: query parameter "${name}" is not documented`);
    }
    const json = op.requestBody?.content?.['application/json'];
    const hasBody = request.body !== undefined && request.body !== null;
    if (!json) {
      if (hasBody && Object.keys(request.body as object).length > 0)
        problems.push(`${operation}: sends a body, but the operation takes none`);
      return problems;
    }
    if (!hasBody) {
      if (op.requestBody?.required) problems.push(`${operation}: the request body is required`);
      return problems;
    }
    const validate = this.validatorFor(template, method);
    if (!validate(request.body)) {
      for (const e of validate.errors ?? [])
        problems.push(
          `${operation}: body${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
        );
    }
    const named = json.schema?.properties;
    if (named && typeof request.body === 'object') {
      for (const key of Object.keys(request.body as object)) {
        if (!(key in named)) problems.push(`${operation}: body field "${key}" is not documented`);
      }
    }
    return problems;
  }

  private validatorFor(template: string, method: string): ValidateFunction {
    const key = `${method} ${template}`;
    let fn = this.compiled.get(key);
    if (!fn) {
      const ref = `ghes#/${pointer('paths', template, method, 'requestBody', 'content', 'application/json', 'schema')}`;
      fn = this.ajv.compile({ $ref: ref });
      this.compiled.set(key, fn);
    }
    return fn;
  }
}
