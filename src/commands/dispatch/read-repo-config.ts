import { TransientError } from '../../../contracts/errors.ts';
import {
  parseRepoConfig,
  type RepoConfigResult,
} from '../../config/repo-config/load-repo-config.ts';
import type { KoOctokit } from './dispatch-types.ts';

const REPO_CONFIG_PATH = '.github/ko.yml';

/** The repo config as read from the default branch, with that branch's name. */
export type RepoConfigRead = RepoConfigResult & { ref: string };

function status(error: unknown): number | undefined {
  const value = (error as { status?: unknown } | null)?.status;
  return typeof value === 'number' ? value : undefined;
}

/**
 * Reads `.github/ko.yml` from the repository's DEFAULT branch through the contents API, never
 * from the PR head: a pull request must not loosen its own rules. No file gives the defaults.
 *
 * @example const read = await readRepoConfig(octokit, 'acme', 'app'); if (read.ok) read.config.mode;
 */
export async function readRepoConfig(
  octokit: KoOctokit,
  owner: string,
  repo: string,
): Promise<RepoConfigRead> {
  try {
    const { data: repository } = await octokit.rest.repos.get({ owner, repo });
    const ref = repository.default_branch;
    let text: string | null = null;
    try {
      const { data } = await octokit.rest.repos.getContent({
        owner,
        repo,
        path: REPO_CONFIG_PATH,
        ref,
        mediaType: { format: 'raw' },
      });
      text = typeof data === 'string' ? data : String(data);
    } catch (error) {
      if (status(error) !== 404) throw error;
    }
    return { ...parseRepoConfig(text), ref };
  } catch (error) {
    if (status(error) !== undefined && (status(error) as number) < 500) throw error;
    throw new TransientError(
      'REPO_CONFIG_UNREADABLE',
      `could not read ${REPO_CONFIG_PATH} of ${owner}/${repo}`,
      {
        hint: 'GitHub did not answer; comment again in a minute',
        cause: error,
      },
    );
  }
}
