import { realpath } from 'node:fs/promises';
import { relative, isAbsolute, sep } from 'node:path';
import { PreconditionError } from '../../../contracts/errors.ts';

/**
 * The executor's last line of defence: the working directory, after symlinks are resolved, must be
 * the root or lie under it. The guard and sandbox do the full path policy before this.
 * Returns the real cwd, which is what the engine is started in.
 *
 * @example const cwd = await assertCwdInsideRoot('/srv/repo/src', '/srv/repo'); // '/srv/repo/src'
 */
export async function assertCwdInsideRoot(cwd: string, root: string): Promise<string> {
  const realRoot = await realpathOrRefuse(root, 'EXEC_ROOT_MISSING', 'the runner root');
  const realCwd = await realpathOrRefuse(cwd, 'EXEC_CWD_MISSING', 'the working directory');
  if (!isInside(realCwd, realRoot)) {
    throw new PreconditionError(
      'EXEC_CWD_OUTSIDE_ROOT',
      `working directory ${realCwd} is outside the runner root ${realRoot}`,
      {
        hint: 'run the job in a folder under --root',
        details: { cwd: realCwd, root: realRoot },
      },
    );
  }
  return realCwd;
}

function isInside(child: string, parent: string): boolean {
  const rel = relative(
    process.platform === 'win32' ? parent.toLowerCase() : parent,
    process.platform === 'win32' ? child.toLowerCase() : child,
  );
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

async function realpathOrRefuse(path: string, code: string, what: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    throw new PreconditionError(code, `${what} ${path} does not exist or cannot be resolved`, {
      hint: 'create it or fix the path',
      cause: error,
    });
  }
}
