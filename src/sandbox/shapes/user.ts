import type { SandboxContext } from '../context.ts';
import { ensureAccount } from '../state.ts';
import { nodeId } from './node-id.ts';

/**
 * GitHub's `simple-user` for a login (created on first use).
 *
 * @example simpleUser(sb, 'alice').html_url // 'http://127.0.0.1:4000/alice'
 */
export function simpleUser(sb: SandboxContext, login: string): Record<string, unknown> {
  const account = ensureAccount(sb.state, login);
  const api = `${sb.apiUrl}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id: account.id,
    node_id: nodeId(
      account.type === 'Organization' ? 'O' : account.type === 'Bot' ? 'BOT' : 'U',
      account.id,
    ),
    avatar_url: `${sb.webUrl}/avatars/u/${account.id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `${sb.webUrl}/${login.replace('[bot]', '')}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: account.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

/** GitHub's organization object as webhooks carry it (`organization-simple-webhooks`). */
export function organization(sb: SandboxContext, login: string): Record<string, unknown> {
  const account = ensureAccount(sb.state, login, 'Organization');
  const api = `${sb.apiUrl}/orgs/${encodeURIComponent(login)}`;
  return {
    login,
    id: account.id,
    node_id: nodeId('O', account.id),
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: `${sb.webUrl}/avatars/u/${account.id}?v=4`,
    description: null,
  };
}
