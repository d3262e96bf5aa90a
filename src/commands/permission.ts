/**
 * Repository permission levels, weakest first. `maintain` and `triage` only appear in the API's
 * `role_name`; the legacy `permission` field folds them into `write` and `read`.
 * https://docs.github.com/en/rest/collaborators/collaborators#get-repository-permissions-for-a-user
 */
export const PERMISSION_LEVELS = ['none', 'read', 'triage', 'write', 'maintain', 'admin'] as const;
export type Permission = (typeof PERMISSION_LEVELS)[number];

/** The part of GET /repos/{owner}/{repo}/collaborators/{username}/permission that KO reads. */
export interface PermissionResponse {
  permission?: string | null;
  role_name?: string | null;
}

function asLevel(value: string | null | undefined): Permission | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.toLowerCase();
  return (PERMISSION_LEVELS as readonly string[]).includes(lower)
    ? (lower as Permission)
    : undefined;
}

/**
 * The commenter's effective level. `role_name` wins when it is one of the built-in roles; a custom
 * role name (an org can define "security-reviewer") falls back to the legacy `permission`, which
 * GitHub computes from the custom role's base role. Anything unreadable is `none` (deny by default).
 *
 * @example normalizePermission({ permission: 'write', role_name: 'maintain' }); // 'maintain'
 */
export function normalizePermission(response: PermissionResponse | null | undefined): Permission {
  return asLevel(response?.role_name) ?? asLevel(response?.permission) ?? 'none';
}

/**
 * True when `actual` is at least `required`.
 *
 * @example hasPermission('maintain', 'write'); // true
 */
export function hasPermission(actual: Permission, required: Permission): boolean {
  return PERMISSION_LEVELS.indexOf(actual) >= PERMISSION_LEVELS.indexOf(required);
}
