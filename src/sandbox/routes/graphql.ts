import { revertPull } from '../actions/revert.ts';
import type { RequestContext } from '../context.ts';
import { HttpError } from '../http-error.ts';
import { findPull } from '../repo-query.ts';
import type { Router } from '../router.ts';
import { decodeNodeId } from '../shapes/node-id.ts';
import { pullNodeId } from '../shapes/pull.ts';
import type { IssueState, RepoState } from '../state.ts';
import { bodyOf, json } from './common.ts';

function gqlError(message: string, type = 'UNPROCESSABLE'): ReturnType<typeof json> {
  return json(200, { data: null, errors: [{ type, message, path: ['revertPullRequest'] }] });
}

function pullNode(
  sb: RequestContext['sb'],
  repo: RepoState,
  pr: IssueState,
): Record<string, unknown> {
  return {
    id: pullNodeId(repo, pr.number),
    number: pr.number,
    title: pr.title,
    url: `${sb.webUrl}/${repo.owner}/${repo.name}/pull/${pr.number}`,
    state: pr.pull?.mergedAt ? 'MERGED' : pr.state.toUpperCase(),
    headRefName: pr.pull?.headRef,
    baseRefName: pr.pull?.baseRef,
  };
}

/** The `input` object of the mutation: from `variables.input`, or literal `pullRequestId: "…"` in the query. */
function readInput(query: string, variables: Record<string, unknown>): Record<string, unknown> {
  if (variables.input && typeof variables.input === 'object')
    return variables.input as Record<string, unknown>;
  const literal = /pullRequestId\s*:\s*"([^"]+)"/.exec(query);
  if (literal?.[1]) return { pullRequestId: literal[1] };
  const variable = /pullRequestId\s*:\s*\$(\w+)/.exec(query);
  return variable?.[1] ? { pullRequestId: variables[variable[1]] } : {};
}

/**
 * A minimal GraphQL endpoint: only the `revertPullRequest` mutation (GitHub's Revert button),
 * answering a fixed selection (`pullRequest` and `revertPullRequest` with id, number, title,
 * url, state, headRefName, baseRefName) whatever the query selects.
 *
 * @example addGraphqlRoutes(router);
 */
export function addGraphqlRoutes(router: Router<RequestContext>): void {
  router.add('POST', '/graphql', { auth: 'installation' }, (req, ctx) => {
    const body = bodyOf(req);
    const query = typeof body.query === 'string' ? body.query : '';
    const variables = (
      body.variables && typeof body.variables === 'object' ? body.variables : {}
    ) as Record<string, unknown>;
    if (!/\brevertPullRequest\b/.test(query)) {
      return json(200, {
        errors: [
          {
            message: 'The GitHub stand-in only implements the revertPullRequest mutation',
            type: 'NOT_IMPLEMENTED',
          },
        ],
      });
    }
    const input = readInput(query, variables);
    const key =
      typeof input.pullRequestId === 'string' ? decodeNodeId('PR', input.pullRequestId) : undefined;
    const match = key ? /^(.+)\/(.+)#(\d+)$/.exec(key) : null;
    if (!match)
      return gqlError(
        `Could not resolve to a node with the global id of '${String(input.pullRequestId)}'`,
        'NOT_FOUND',
      );
    const repo = ctx.sb.state.repos[`${match[1]}/${match[2]}`.toLowerCase()];
    if (!repo) return gqlError('Could not resolve to a Repository', 'NOT_FOUND');
    try {
      const pr = findPull(repo, match[3] ?? '');
      const options: { title?: string; body?: string; draft?: boolean } = {};
      if (typeof input.title === 'string') options.title = input.title;
      if (typeof input.body === 'string') options.body = input.body;
      if (typeof input.draft === 'boolean') options.draft = input.draft;
      const revert = revertPull(ctx.sb, repo, pr, ctx.actor, options);
      return json(200, {
        data: {
          revertPullRequest: {
            clientMutationId:
              typeof input.clientMutationId === 'string' ? input.clientMutationId : null,
            pullRequest: pullNode(ctx.sb, repo, pr),
            revertPullRequest: pullNode(ctx.sb, repo, revert),
          },
        },
      });
    } catch (error) {
      if (error instanceof HttpError)
        return gqlError(error.message, error.status === 404 ? 'NOT_FOUND' : 'UNPROCESSABLE');
      throw error;
    }
  });
}
