import type { SandboxContext } from '../context.ts';
import type { AppState, InstallationState } from '../state.ts';
import { ensureAccount } from '../state.ts';
import { nodeId } from './node-id.ts';
import { simpleUser } from './user.ts';

/** The permissions the stand-in grants every installation token (what KO's app.yml asks for). */
export const APP_PERMISSIONS: Record<string, string> = {
  checks: 'write',
  contents: 'write',
  issues: 'write',
  metadata: 'read',
  pull_requests: 'write',
  statuses: 'write',
};

/** KO's app.yml `default_events`, the default subscription of the stand-in's app. */
const APP_EVENTS = [
  'check_run',
  'check_suite',
  'issue_comment',
  'label',
  'pull_request',
  'push',
  'status',
];

/** The events the app subscribes to (GitHub only sends those, plus `installation` ones). */
function appEvents(app: AppState): string[] {
  return app.events ?? APP_EVENTS;
}

/**
 * True when GitHub would send this event to the app.
 *
 * @example if (subscribesTo(sb.state.app, 'push')) emitRepoEvent(sb, repo, 'push', actor, body);
 */
export function subscribesTo(app: AppState, event: string): boolean {
  return appEvents(app).includes(event);
}

/** GitHub's `integration` (a GitHub App). */
export function integration(sb: SandboxContext, app: AppState): Record<string, unknown> {
  return {
    id: app.id,
    slug: app.slug,
    node_id: nodeId('A', app.id),
    client_id: `Iv1.${app.id.toString(16).padStart(16, '0')}`,
    owner: simpleUser(sb, app.owner),
    name: app.name,
    description: null,
    external_url: `${sb.webUrl}/apps/${app.slug}`,
    html_url: `${sb.webUrl}/apps/${app.slug}`,
    created_at: app.createdAt,
    updated_at: app.createdAt,
    permissions: APP_PERMISSIONS,
    events: appEvents(app),
  };
}

/** GitHub's `installation`. */
export function installation(sb: SandboxContext, inst: InstallationState): Record<string, unknown> {
  // GHES 3.19's list-installations schema joins simple-user and enterprise with allOf, so the
  // account carries enterprise's required fields too (harmless extras for any client).
  const owner = ensureAccount(sb.state, inst.account);
  const account: Record<string, unknown> = {
    ...simpleUser(sb, inst.account),
    name: inst.account,
    slug: inst.account.toLowerCase(),
    created_at: inst.createdAt,
    updated_at: inst.createdAt,
  };
  return {
    id: inst.id,
    account,
    repository_selection: 'all',
    access_tokens_url: `${sb.apiUrl}/app/installations/${inst.id}/access_tokens`,
    repositories_url: `${sb.apiUrl}/installation/repositories`,
    html_url: `${sb.webUrl}/organizations/${inst.account}/settings/installations/${inst.id}`,
    app_id: sb.state.app.id,
    app_slug: sb.state.app.slug,
    target_id: owner.id,
    target_type: owner.type,
    permissions: APP_PERMISSIONS,
    events: appEvents(sb.state.app),
    created_at: inst.createdAt,
    updated_at: inst.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}
