import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCommand } from '../../../runner/src/guard/check-command.ts';
import {
  resolveAllInsideRoot,
  resolveInsideRoot,
} from '../../../runner/src/sandbox/resolve-inside-root.ts';

// Real directories and symlinks: the sandbox must compare real paths, not the text.
let base: string;
let root: string;
let outside: string;

beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'ko-sandbox-')));
  root = join(base, 'repo');
  outside = join(base, 'outside');
  mkdirSync(join(root, 'src'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), 'x');
  writeFileSync(join(root, 'src', 'a.ts'), 'x');
  symlinkSync(outside, join(root, 'escape'));
  symlinkSync(join(outside, 'secret.txt'), join(root, 'secret-link.txt'));
  symlinkSync(join(root, 'src'), join(outside, 'into-repo'));
  symlinkSync(join(outside, 'missing-target'), join(root, 'dangling'));
  symlinkSync(join(root, 'src'), join(root, 'src-alias'));
  symlinkSync(root, join(base, 'repo-link'));
});

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

describe('sandbox with the disk (symlinks)', () => {
  it.each([
    { candidate: 'src/a.ts', inside: true },
    { candidate: 'src/new-file.ts', inside: true },
    { candidate: 'src-alias/a.ts', inside: true },
    { candidate: 'new-dir/deeper/file', inside: true },
    { candidate: 'escape', inside: false },
    { candidate: 'escape/secret.txt', inside: false },
    { candidate: 'escape/not-yet-created.txt', inside: false },
    { candidate: 'secret-link.txt', inside: false },
    { candidate: 'escape/../x', inside: false },
    { candidate: 'escape/../repo/src', inside: true },
  ])('$candidate inside=$inside', ({ candidate, inside }) => {
    expect(resolveInsideRoot(root, candidate).inside).toBe(inside);
  });

  it('follows a link from outside that points back inside', () => {
    expect(resolveInsideRoot(root, join(outside, 'into-repo', 'a.ts'))).toEqual({
      inside: true,
      resolved: join(root, 'src', 'a.ts'),
    });
  });

  it('applies `..` physically after a symlink, as the kernel does', () => {
    // src-alias -> repo/src, so src-alias/.. is repo; escape/.. is base (outside).
    expect(resolveInsideRoot(root, 'src-alias/../src/a.ts').inside).toBe(true);
    expect(resolveInsideRoot(root, 'escape/../outside/secret.txt').inside).toBe(false);
  });

  it('refuses a dangling symlink (writing through it would create a file wherever it points)', () => {
    expect(resolveInsideRoot(root, 'dangling')).toMatchObject({
      inside: false,
      code: 'DANGLING_SYMLINK',
    });
  });

  it('accepts a root given through a symlink', () => {
    expect(resolveInsideRoot(join(base, 'repo-link'), 'src/a.ts')).toEqual({
      inside: true,
      resolved: join(root, 'src', 'a.ts'),
    });
  });

  it('reports a missing root as a precondition', () => {
    expect(() => resolveInsideRoot(join(base, 'nope'), 'x')).toThrow(/does not exist/);
  });

  it('expands wildcards on disk before judging (a glob can match a link that leaves the root)', () => {
    expect(resolveAllInsideRoot(root, 'esc*/secret.txt')).toMatchObject({
      inside: false,
      code: 'OUTSIDE_ROOT',
    });
    expect(resolveAllInsideRoot(root, 'src/*.ts')).toMatchObject({ inside: true });
    expect(resolveAllInsideRoot(root, 'nothing-*-matches')).toMatchObject({ inside: true });
    expect(checkCommand('Get-Content ./esc*/secret.txt', { root }).rule).toBe('path-outside-root');
    expect(checkCommand("Get-Content -LiteralPath './esc*/secret.txt'", { root }).verdict).toBe(
      'allow',
    );
    expect(checkCommand('Select-String -Pattern x -Path ./src/*.ts', { root }).verdict).toBe(
      'allow',
    );
  });

  it('the guard denies reading through a symlink that leaves the root', () => {
    expect(checkCommand('Get-Content ./escape/secret.txt', { root }).rule).toBe(
      'path-outside-root',
    );
    expect(checkCommand('Get-Content ./src/a.ts', { root }).verdict).toBe('allow');
  });
});
