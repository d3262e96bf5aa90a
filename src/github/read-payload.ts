/**
 * Tolerant readers for webhook payloads: GitHub adds fields and some events leave optional ones
 * out, so handlers read what they need and treat anything else as absent, never crash on it.
 */
type Json = Record<string, unknown>;

function at(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Json)[key];
  }
  return current;
}

/**
 * A string at a dotted path, or undefined.
 *
 * @example readString(payload, 'repository.owner.login'); // 'octocat'
 */
export function readString(value: unknown, path: string): string | undefined {
  const found = at(value, path.split('.'));
  return typeof found === 'string' ? found : undefined;
}

/**
 * A finite number at a dotted path, or undefined.
 *
 * @example readNumber(payload, 'installation.id'); // 2
 */
export function readNumber(value: unknown, path: string): number | undefined {
  const found = at(value, path.split('.'));
  return typeof found === 'number' && Number.isFinite(found) ? found : undefined;
}

/**
 * An array at a dotted path (empty when absent).
 *
 * @example readArray(payload, 'pull_request.labels').length;
 */
export function readArray(value: unknown, path: string): unknown[] {
  const found = at(value, path.split('.'));
  return Array.isArray(found) ? found : [];
}

/** Where an event happened: owner, repo and the installation, when the payload says. */
export interface RepoRef {
  owner: string;
  repo: string;
  installationId: number | undefined;
}

/**
 * The repository and installation of a payload, or undefined when it has no repository.
 *
 * @example readRepo(payload); // { owner: 'acme', repo: 'app', installationId: 7 }
 */
export function readRepo(payload: unknown): RepoRef | undefined {
  const owner =
    readString(payload, 'repository.owner.login') ??
    readString(payload, 'repository.full_name')?.split('/')[0];
  const repo = readString(payload, 'repository.name');
  if (owner === undefined || repo === undefined) return undefined;
  return { owner, repo, installationId: readNumber(payload, 'installation.id') };
}
