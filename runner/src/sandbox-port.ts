import { join } from 'node:path';
import { assertCwdInsideRoot } from './executor/assert-cwd-inside-root.ts';
import type { SandboxPort } from './runner-ports.ts';

/**
 * Resolves a job's relative working_dir under --root with realpath (symlinks and junctions
 * followed) and refuses anything that ends up outside.
 *
 * @example await createSandboxPort()('/srv/repo', 'src'); // '/srv/repo/src'
 */
export function createSandboxPort(): SandboxPort {
  return (root, workingDir) => assertCwdInsideRoot(join(root, workingDir), root);
}
