// `npm run contracts:gen` writes contracts/ko-v1/generated/*.ts from contracts/ko-v1/*.schema.json;
// `npm run contracts:check` regenerates in memory and exits 1 naming each stale file (CI gate).
// The schemas are the source of truth; the generated files only mirror them for the compiler.
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compile, type JSONSchema } from 'json-schema-to-typescript';
import { format, resolveConfig } from 'prettier';

const HEADER =
  '// generated from contracts/ko-v1/*.schema.json by npm run contracts:gen — do not edit\n';

const schemaDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'ko-v1');
const outDir = join(schemaDir, 'generated');
const repoRoot = join(schemaDir, '..', '..');

interface SchemaFile {
  file: string;
  title: string;
  /** The `type` constant of a message schema; undefined for the envelope and shared parts. */
  messageType: string | undefined;
}

function readSchemas(): SchemaFile[] {
  return readdirSync(schemaDir)
    .filter((name) => name.endsWith('.schema.json'))
    .sort()
    .map((file) => {
      const schema = JSON.parse(readFileSync(join(schemaDir, file), 'utf8')) as {
        title?: string;
        properties?: { type?: { const?: string } };
      };
      if (!schema.title) throw new Error(`${file} has no "title"; every schema needs one`);
      return { file, title: schema.title, messageType: schema.properties?.type?.const };
    });
}

async function prettify(source: string, fileName: string): Promise<string> {
  const options = (await resolveConfig(join(outDir, fileName))) ?? {};
  return format(source, { ...options, parser: 'typescript' });
}

/** Drops json-schema-to-typescript's "referenced by `undefined`'s JSON-Schema" notes: noise here. */
function dropProvenanceNotes(source: string): string {
  return source
    .replace(
      /\n \* ?\n \* This interface was referenced by [^\n]*\n \* via the `definition` "[^"]*"\./g,
      '',
    )
    .replace(
      /\/\*\*\n \* This interface was referenced by [^\n]*\n \* via the `definition` "[^"]*"\.\n \*\/\n/g,
      '',
    );
}

/**
 * Every generated file, by name, as it should be on disk.
 *
 * @example const files = await generateTypes(); files.get('ko-v1.ts')
 */
export async function generateTypes(): Promise<Map<string, string>> {
  const schemas = readSchemas();
  // One synthetic root referencing every file, so shared definitions are declared exactly once.
  const root: JSONSchema = {
    title: 'KoV1Schemas',
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(
      schemas
        .filter((s) => s.file !== 'common.schema.json')
        .map((s) => [s.title, { $ref: s.file }]),
    ),
  };
  const body = await compile(root, 'KoV1Schemas', {
    cwd: schemaDir,
    bannerComment: '',
    additionalProperties: false,
    declareExternallyReferenced: true,
    unreachableDefinitions: true,
    strictIndexSignatures: true,
    unknownAny: true,
    ignoreMinAndMaxItems: true,
    format: false,
  });
  const messages = schemas.filter((s) => s.messageType !== undefined);
  const frames = [
    `import type { ${messages.map((m) => m.title).join(', ')} } from './ko-v1.ts';`,
    '',
    '/** Any ko-v1 frame. */',
    `export type KoFrame = ${messages.map((m) => m.title).join(' | ')};`,
    '',
    '/** The frame type for each message type. */',
    'export interface KoFrameByType {',
    ...messages.map((m) => `  '${m.messageType}': ${m.title};`),
    '}',
    '',
    '/** The schema file of each message type, relative to contracts/ko-v1. */',
    'export const SCHEMA_FILE_BY_TYPE = {',
    ...messages.map((m) => `  '${m.messageType}': '${m.file}',`),
    '} as const;',
    '',
  ].join('\n');
  return new Map([
    ['ko-v1.ts', dropProvenanceNotes(await prettify(HEADER + '\n' + body, 'ko-v1.ts'))],
    ['frames.ts', await prettify(HEADER + '\n' + frames, 'frames.ts')],
  ]);
}

/**
 * The generated files in `dir` that differ from `wanted`, are missing, or should not be there.
 *
 * @example findStaleFiles(await generateTypes(), outDir) // [] when up to date
 */
export function findStaleFiles(wanted: Map<string, string>, dir: string = outDir): string[] {
  const present = existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.ts')) : [];
  const stale: string[] = [];
  for (const [name, text] of wanted) {
    const path = join(dir, name);
    if (!existsSync(path) || readFileSync(path, 'utf8') !== text) stale.push(name);
  }
  for (const name of present) if (!wanted.has(name)) stale.push(`${name} (not generated any more)`);
  return stale;
}

async function main(): Promise<void> {
  const wanted = await generateTypes();
  const where = relative(repoRoot, outDir);
  if (process.argv.includes('--check')) {
    const stale = findStaleFiles(wanted);
    if (stale.length > 0) {
      console.error(
        `contracts: generated types are stale: ${stale.map((n) => `${where}/${n}`).join(', ')}. ` +
          'Run `npm run contracts:gen` and commit the result.',
      );
      process.exitCode = 1;
      return;
    }
    console.log(`contracts: ${wanted.size} generated files in ${where} are up to date`);
    return;
  }
  mkdirSync(outDir, { recursive: true });
  for (const name of readdirSync(outDir)) {
    if (name.endsWith('.ts') && !wanted.has(name)) rmSync(join(outDir, name));
  }
  for (const [name, text] of wanted) writeFileSync(join(outDir, name), text);
  console.log(`contracts: wrote ${[...wanted.keys()].join(', ')} to ${where}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
