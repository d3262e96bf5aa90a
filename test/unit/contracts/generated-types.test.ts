import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findStaleFiles, generateTypes } from '../../../contracts/scripts/generate-types.ts';

const generatedDir = fileURLToPath(new URL('../../../contracts/ko-v1/generated/', import.meta.url));
const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('contracts:gen / contracts:check', () => {
  it('committed generated types match the schemas', async () => {
    expect(findStaleFiles(await generateTypes(), generatedDir)).toEqual([]);
  });

  it('starts every generated file with the do-not-edit header', async () => {
    for (const text of (await generateTypes()).values()) {
      expect(text.split('\n')[0]).toBe(
        '// generated from contracts/ko-v1/*.schema.json by npm run contracts:gen — do not edit',
      );
    }
  });

  it('names an edited, a missing and an extra file as stale', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ko-contracts-'));
    temps.push(dir);
    cpSync(generatedDir, dir, { recursive: true });
    writeFileSync(join(dir, 'ko-v1.ts'), '// hand edit\n', { flag: 'a' });
    rmSync(join(dir, 'frames.ts'));
    writeFileSync(join(dir, 'old.ts'), 'export {};\n');
    expect(findStaleFiles(await generateTypes(), dir).sort()).toEqual([
      'frames.ts',
      'ko-v1.ts',
      'old.ts (not generated any more)',
    ]);
  });
});
