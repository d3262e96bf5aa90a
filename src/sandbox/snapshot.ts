import { readFile, rename, writeFile } from 'node:fs/promises';
import { PreconditionError } from '../../contracts/errors.ts';
import type { SandboxState } from './state.ts';

/**
 * Writes the whole state as JSON, atomically (temp file then rename), so a later start can
 * continue from it.
 *
 * @example await saveSnapshot('/tmp/sandbox.json', sandbox.state);
 */
export async function saveSnapshot(file: string, state: SandboxState): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(state));
  await rename(temp, file);
}

/** Reads a snapshot written by {@link saveSnapshot}; `undefined` when the file does not exist. */
export async function loadSnapshot(file: string): Promise<SandboxState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const state = JSON.parse(text) as SandboxState;
    if (typeof state.nextId !== 'number' || typeof state.repos !== 'object')
      throw new Error('missing nextId or repos');
    return state;
  } catch (error) {
    throw new PreconditionError(
      'SANDBOX_SNAPSHOT_INVALID',
      `The sandbox snapshot ${file} is not a valid state file`,
      {
        hint: 'delete it to start from an empty sandbox',
        cause: error,
      },
    );
  }
}
