import type { SandboxContext } from './context.ts';
import { fullRepository } from './shapes/repository.ts';
import { nodeId } from './shapes/node-id.ts';
import { organization, simpleUser } from './shapes/user.ts';
import type { RepoState } from './state.ts';

/** The installation that covers a repository (one per account), if the app is installed there. */
export function installationFor(
  sb: SandboxContext,
  repo: RepoState,
): { id: number; node_id: string } | undefined {
  const inst = Object.values(sb.state.installations).find(
    (i) => i.account.toLowerCase() === repo.owner.toLowerCase(),
  );
  return inst
    ? { id: inst.id, node_id: nodeId('MDIz', `Integration::Installation${inst.id}`) }
    : undefined;
}

/**
 * Completes a repository event's payload the way GitHub does (`repository` unless the body
 * has one, `sender`, `installation`, and `organization` for org-owned repositories) and queues
 * it for delivery.
 *
 * @example emitRepoEvent(sb, repo, 'issue_comment', 'alice', { action: 'created', issue, comment });
 */
export function emitRepoEvent(
  sb: SandboxContext,
  repo: RepoState,
  name: string,
  sender: string,
  body: Record<string, unknown>,
): void {
  const payload: Record<string, unknown> = {
    ...body,
    // `push` brings its own repository shape (see shapes/push.ts).
    repository: 'repository' in body ? body.repository : fullRepository(sb, repo),
    sender: simpleUser(sb, sender),
  };
  if (sb.state.accounts[repo.owner]?.type === 'Organization')
    payload.organization = organization(sb, repo.owner);
  const installation = installationFor(sb, repo);
  if (installation) payload.installation = installation;
  sb.emit({ name, payload });
}

/** A commit author/committer line for a login, dated now. */
export function signatureFor(
  sb: SandboxContext,
  login: string,
): { name: string; email: string; date: string } {
  const id = sb.state.accounts[login]?.id ?? 0;
  // GitHub writes `<id>+<login>@users.noreply…`; brackets of `[bot]` logins are dropped to keep it a valid address.
  return {
    name: login,
    email: `${id}+${login.replace(/[^A-Za-z0-9._-]/g, '')}@users.noreply.sandbox.local`,
    date: sb.now(),
  };
}
