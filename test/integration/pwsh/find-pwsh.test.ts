import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PreconditionError } from '../../../contracts/errors.ts';
import { findPwsh } from '../../../runner/src/pwsh/find-pwsh.ts';

// Real files in a temp folder: an executable "pwsh" on a fake PATH, a project host, a non-executable.
let dir: string;
let onPath: string;
let projectRoot: string;
let projectHost: string;
let explicit: string;
let notExecutable: string;

function executable(file: string): string {
  writeFileSync(file, '#!/bin/sh\nexit 0\n');
  chmodSync(file, 0o755);
  return file;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ko-find-pwsh-'));
  mkdirSync(join(dir, 'bin'));
  onPath = executable(join(dir, 'bin', 'pwsh'));
  projectRoot = join(dir, 'project');
  mkdirSync(join(projectRoot, 'pwsh-host', 'out'), { recursive: true });
  projectHost = executable(join(projectRoot, 'pwsh-host', 'out', 'pwsh'));
  explicit = executable(join(dir, 'my-pwsh'));
  notExecutable = join(dir, 'plain-file');
  writeFileSync(notExecutable, 'not a program');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('findPwsh', () => {
  it.each([
    {
      name: 'the explicit option wins over everything',
      input: () => ({ explicit, env: { KO_PWSH: onPath, PATH: join(dir, 'bin') } }),
      expected: () => ({ path: explicit, source: 'option' }),
    },
    {
      name: 'KO_PWSH wins over PATH',
      input: () => ({ env: { KO_PWSH: explicit, PATH: join(dir, 'bin') } }),
      expected: () => ({ path: explicit, source: 'env' }),
    },
    {
      name: 'pwsh on PATH wins over the project host',
      input: () => ({
        env: { PATH: `relative/bin:${join(dir, 'empty')}:${join(dir, 'bin')}` },
        projectRoot,
      }),
      expected: () => ({ path: onPath, source: 'path' }),
    },
    {
      name: "the project's pwsh-host/out/pwsh comes last",
      input: () => ({ env: { PATH: join(dir, 'empty') }, projectRoot }),
      expected: () => ({ path: projectHost, source: 'project' }),
    },
  ])('$name', ({ input, expected }) => {
    expect(findPwsh(input())).toEqual(expected());
  });

  it.each([
    {
      name: 'an explicit option that is not executable',
      input: () => ({ explicit: notExecutable }),
      code: 'PWSH_NOT_EXECUTABLE',
    },
    {
      name: 'a KO_PWSH that does not exist',
      input: () => ({ env: { KO_PWSH: join(dir, 'nope') } }),
      code: 'PWSH_NOT_EXECUTABLE',
    },
    {
      name: 'nothing anywhere',
      input: () => ({ env: { PATH: join(dir, 'empty') }, projectRoot: join(dir, 'nowhere') }),
      code: 'PWSH_NOT_FOUND',
    },
  ])('throws a PreconditionError with a hint for $name', ({ input, code }) => {
    let caught: unknown;
    try {
      findPwsh(input());
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PreconditionError);
    expect(caught).toMatchObject({ code });
    expect((caught as PreconditionError).hint).toMatch(/pwsh/);
  });

  it("finds this checkout's engine by default (PowerShell 7 is required here)", () => {
    expect(findPwsh().path).toMatch(/pwsh/);
  });
});
