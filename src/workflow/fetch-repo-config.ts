import { parseRepoConfig, type RepoConfigResult } from '../config/repo-config/load-repo-config.ts';
import { statusOf } from './github-call.ts';
import type { Octokit } from './step-context.ts';

/** Where the repo config lives, on the default branch. */
export const REPO_CONFIG_PATH = '.github/ko.yml';

/** One GitHub call with the engine's retries (callGitHub bound to a logger and policy). */
type GhCall = <T>(label: string, call: () => Promise<T>) => Promise<T>;

/**
 * The raw text of `.github/ko.yml` at `ref` (the default branch, never a PR head), or null when
 * the file does not exist.
 *
 * @example const text = await fetchRepoConfigText(gh, octokit, 'acme', 'app', 'main');
 */
export async function fetchRepoConfigText(
  gh: GhCall,
  octokit: Octokit,
  owner: string,
  repo: string,
  ref: string,
): Promise<string | null> {
  try {
    const answer = await gh(`repos.getContent ${REPO_CONFIG_PATH}`, () =>
      octokit.rest.repos.getContent({
        owner,
        repo,
        path: REPO_CONFIG_PATH,
        ref,
        mediaType: { format: 'raw' },
      }),
    );
    return typeof answer.data === 'string' ? answer.data : String(answer.data);
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

/**
 * The repository's config as it stands on its default branch now, validated (not thrown on):
 * what the scheduler re-reads before each synthetic run.
 *
 * @example const { result } = await readDefaultBranchConfig(gh, octokit, 'acme', 'app'); if (result.ok) result.config.synthetic.cron;
 */
export async function readDefaultBranchConfig(
  gh: GhCall,
  octokit: Octokit,
  owner: string,
  repo: string,
): Promise<{ ref: string; result: RepoConfigResult }> {
  const { data: repository } = await gh('repos.get', () => octokit.rest.repos.get({ owner, repo }));
  const ref = repository.default_branch;
  return { ref, result: parseRepoConfig(await fetchRepoConfigText(gh, octokit, owner, repo, ref)) };
}
