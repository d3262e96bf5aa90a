/**
 * A GraphQL-style global node id: a type prefix plus an opaque part. The stand-in's ids can
 * be decoded again (GraphQL's revertPullRequest takes a pull request's node id).
 *
 * @example nodeId('PR', 'o/r#1') // 'PR_by9yIzE'
 */
export function nodeId(prefix: string, key: string | number): string {
  return `${prefix}_${Buffer.from(String(key)).toString('base64url')}`;
}

/** The key inside a node id made by {@link nodeId}, if the prefix matches. */
export function decodeNodeId(prefix: string, id: string): string | undefined {
  if (!id.startsWith(`${prefix}_`)) return undefined;
  return Buffer.from(id.slice(prefix.length + 1), 'base64url').toString('utf8');
}
