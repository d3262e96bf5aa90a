import type { Logger } from 'pino';
import type { KoOctokit } from '../commands/dispatch/dispatch-types.ts';
import { readRepoConfig } from '../commands/dispatch/read-repo-config.ts';
import type { OctokitFor } from '../commands/dispatch/workflow-port.ts';
import type { ScheduledRepo } from '../workflow/scheduler.ts';

/** At most this many repositories are read per start (each costs two API calls). */
const MAX_REPOS = 200;

/**
 * The repositories whose `.github/ko.yml` (default branch) enables the synthetic workflow, across
 * every installation of the app: what the workflow scheduler runs crons for.
 *
 * @example workflow.startScheduler(await discoverScheduledRepos(() => app.auth(), octokitFor, logger));
 */
export async function discoverScheduledRepos(
  appOctokit: () => Promise<KoOctokit>,
  octokitFor: OctokitFor,
  logger: Logger,
): Promise<ScheduledRepo[]> {
  const app = await appOctokit();
  const installations = await app.paginate(app.rest.apps.listInstallations, { per_page: 100 });
  const found: ScheduledRepo[] = [];
  let read = 0;
  for (const installation of installations) {
    const octokit = await octokitFor(installation.id);
    const repos = await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, {
      per_page: 100,
    });
    for (const repository of repos) {
      if (read >= MAX_REPOS) break;
      read += 1;
      const owner = repository.owner.login;
      const config = await readRepoConfig(octokit, owner, repository.name).catch(
        (error: unknown) => {
          logger.warn(
            { err: error, repo: repository.full_name },
            'repo config unreadable; not scheduled',
          );
          return undefined;
        },
      );
      if (config?.ok && config.config.synthetic.enabled) {
        found.push({
          installationId: installation.id,
          owner,
          repo: repository.name,
          config: config.config,
        });
      }
    }
  }
  return found;
}
