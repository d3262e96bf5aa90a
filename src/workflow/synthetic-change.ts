/** The line the synthetic workflow writes; a later run replaces it, so the file does not grow. */
const SYNTHETIC_LINE = /^synthetic run \S+ at \S+$/m;

/**
 * The file after the synthetic one-line change: the `synthetic run <id> at <time>` line replaced,
 * or appended when there is none.
 *
 * @example syntheticContent('# app\n', 'r1', new Date(0)); // '# app\nsynthetic run r1 at 1970-01-01T00:00:00.000Z\n'
 */
export function syntheticContent(current: string, runId: string, at: Date): string {
  const line = `synthetic run ${runId} at ${at.toISOString()}`;
  if (SYNTHETIC_LINE.test(current)) return current.replace(SYNTHETIC_LINE, line);
  const base = current === '' || current.endsWith('\n') ? current : `${current}\n`;
  return `${base}${line}\n`;
}

/**
 * The branch a synthetic run works on (fixed by the run id, so a resumed run finds it).
 *
 * @example syntheticBranch('wf-a7k2'); // 'ko/synthetic-wf-a7k2'
 */
export function syntheticBranch(runId: string): string {
  return `ko/synthetic-${runId}`;
}
