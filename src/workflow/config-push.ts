import { REPO_CONFIG_PATH } from './fetch-repo-config.ts';
import type { RepoRef } from './scheduler.ts';

/**
 * GitHub lists at most 20 commits in a push payload (the rest only through the compare API), so
 * a push of 20 or more may have touched the config in a commit we cannot see.
 * https://docs.github.com/en/webhooks/webhook-events-and-payloads#push
 */
const LISTED_COMMITS_CAP = 20;

function field(value: unknown, path: readonly string[]): unknown {
  let at = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

function text(value: unknown, ...path: string[]): string | undefined {
  const found = field(value, path);
  return typeof found === 'string' && found !== '' ? found : undefined;
}

function touchesConfig(commit: unknown): boolean {
  return ['added', 'modified', 'removed'].some((list) => {
    const paths = field(commit, [list]);
    return Array.isArray(paths) && paths.includes(REPO_CONFIG_PATH);
  });
}

/**
 * The repository whose synthetic cron must be re-read after this `push` webhook, or undefined:
 * only a push to the default branch (where KO reads its config) that touched
 * `.github/ko.yml`, or that GitHub listed too few commits of to tell. Reads the payload
 * tolerantly: anything missing means "not for the scheduler".
 *
 * @example const repo = configPushHint(context.payload); if (repo) await workflow.onRepoConfigPushed(repo);
 */
export function configPushHint(payload: unknown): RepoRef | undefined {
  const installationId = field(payload, ['installation', 'id']);
  const owner =
    text(payload, 'repository', 'owner', 'login') ?? text(payload, 'repository', 'owner', 'name');
  const repo = text(payload, 'repository', 'name');
  const branch = text(payload, 'repository', 'default_branch');
  if (typeof installationId !== 'number' || !owner || !repo || !branch) return undefined;
  if (text(payload, 'ref') !== `refs/heads/${branch}`) return undefined;
  if (field(payload, ['deleted']) === true) return undefined;
  const commits = field(payload, ['commits']);
  const list = Array.isArray(commits) ? commits : [];
  const unsure =
    !Array.isArray(commits) ||
    list.length >= LISTED_COMMITS_CAP ||
    field(payload, ['forced']) === true;
  if (!unsure && !list.some(touchesConfig)) return undefined;
  return { installationId, owner, repo };
}
