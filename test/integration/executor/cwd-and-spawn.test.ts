import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PreconditionError, TransientError } from '../../../contracts/errors.ts';
import { createJobFixture, type JobFixture } from './job-fixture.ts';

let fx: JobFixture;
beforeAll(() => {
  fx = createJobFixture();
});
afterAll(() => fx.cleanup());

describe('executor: working directory and start failures', () => {
  it('runs in the given folder inside the root', async () => {
    const sub = join(fx.root, 'src', 'app');
    mkdirSync(sub, { recursive: true });
    const { result, stdout } = await fx.run('Write-Output (Get-Location).Path', { cwd: sub });
    expect(result.status).toBe('succeeded');
    expect(stdout).toBe(`${sub}\n`);
  });

  it.each([
    { name: 'a folder outside the root', cwd: (root: string) => join(root, '..', 'runner-data') },
    { name: 'the parent of the root', cwd: (root: string) => join(root, '..') },
    {
      name: 'a symlink inside the root that points outside',
      cwd: (root: string) => {
        const link = join(root, 'escape');
        symlinkSync(join(root, '..'), link);
        return link;
      },
    },
  ])('refuses $name without starting anything', async ({ cwd }) => {
    mkdirSync(join(fx.root, '..', 'runner-data'), { recursive: true });
    let started = false;
    const run = fx.run('Write-Output nope', { cwd: cwd(fx.root), onStart: () => (started = true) });
    await expect(run).rejects.toBeInstanceOf(PreconditionError);
    await expect(run).rejects.toMatchObject({ code: 'EXEC_CWD_OUTSIDE_ROOT' });
    expect(started).toBe(false);
  });

  it('refuses a working directory that does not exist', async () => {
    await expect(
      fx.run('Write-Output nope', { cwd: join(fx.root, 'missing') }),
    ).rejects.toMatchObject({
      code: 'EXEC_CWD_MISSING',
    });
  });

  it('a missing engine is a TransientError (the only retried class), not a failed result', async () => {
    const run = fx.run('Write-Output nope', { pwshPath: join(fx.root, 'no-such-pwsh') });
    await expect(run).rejects.toBeInstanceOf(TransientError);
    await expect(run).rejects.toMatchObject({ code: 'EXEC_SPAWN_FAILED', exitClass: 'TRANSIENT' });
  });
});
