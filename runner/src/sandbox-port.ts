import { PreconditionError } from '../../contracts/errors.ts';
import { assertCwdInsideRoot } from './executor/assert-cwd-inside-root.ts';
import type { SandboxPort } from './runner-ports.ts';
import { resolveInsideRoot } from './sandbox/resolve-inside-root.ts';

/**
 * Resolves a job's working_dir under --root with the sandbox rules (realpath, symlinks,
 * junctions, Windows path forms) and refuses anything that ends up outside.
 *
 * @example await createSandboxPort()('/srv/repo', 'src'); // '/srv/repo/src'
 */
export function createSandboxPort(): SandboxPort {
  return async (root, workingDir) => {
    const verdict = resolveInsideRoot(root, workingDir === '' ? '.' : workingDir);
    if (!verdict.inside) {
      throw new PreconditionError(
        `SANDBOX_${verdict.code}`,
        `working_dir "${workingDir}" is refused: ${verdict.reason}`,
        {
          hint: "give a folder inside the runner's --root",
        },
      );
    }
    return assertCwdInsideRoot(verdict.resolved, root);
  };
}
