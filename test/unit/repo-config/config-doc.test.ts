import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listSchemaOptions } from '../../../src/config/repo-config/config-schema.ts';
import { loadRepoConfig } from '../../../src/config/repo-config/load-repo-config.ts';
import { renderConfigDoc } from '../../../src/config/repo-config/render-config-doc.ts';

const DOC = new URL('../../../docs/configuration.md', import.meta.url);
const START = '<!-- generated:config:start -->';
const END = '<!-- generated:config:end -->';

describe('docs/configuration.md', () => {
  it('carries the generated options table unchanged', () => {
    const doc = readFileSync(DOC, 'utf8');
    const start = doc.indexOf(START);
    const end = doc.indexOf(END);
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    const expected = `${START}\n${renderConfigDoc()}\n${END}`;
    if (process.env.KO_UPDATE_DOCS === '1') {
      writeFileSync(DOC, doc.slice(0, start) + expected + doc.slice(end + END.length));
      return;
    }
    expect(
      doc.slice(start, end + END.length),
      'run KO_UPDATE_DOCS=1 npx vitest run test/unit/repo-config/config-doc.test.ts',
    ).toBe(expected);
  });

  it.each(listSchemaOptions().map((o) => o.path))('documents %s', (path) => {
    expect(readFileSync(DOC, 'utf8')).toContain(`| \`${path}\` |`);
  });

  it('has YAML examples that load, the first one being exactly the defaults', () => {
    const doc = readFileSync(DOC, 'utf8');
    const examples = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);
    expect(examples.length).toBeGreaterThanOrEqual(2);
    const configs = examples.map((yaml) => loadRepoConfig(yaml));
    expect(configs[0]).toEqual(loadRepoConfig(null));
  });

  it('lists every option of the defaults example', () => {
    const doc = readFileSync(DOC, 'utf8');
    const firstExample = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    for (const { path } of listSchemaOptions()) {
      expect(firstExample).toContain(`${path.split('.').at(-1)}:`);
    }
  });
});
