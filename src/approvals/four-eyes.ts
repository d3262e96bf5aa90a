/**
 * True when two GitHub logins name the same account (logins are case-insensitive).
 *
 * @example isSameLogin('Alice', 'alice'); // true
 */
function isSameLogin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * Why `actor` may not decide an approval that `requester` asked for, or undefined when they may.
 * The rule has no exception, not even for admins: a second person must look.
 *
 * @example fourEyesViolation('alice', 'ALICE'); // 'alice asked for this approval, so someone else must decide it (four eyes)'
 */
export function fourEyesViolation(requester: string, actor: string): string | undefined {
  return isSameLogin(requester, actor)
    ? `${requester} asked for this approval, so someone else must decide it (four eyes)`
    : undefined;
}
