import { statSync } from 'node:fs';
import { expandWildcards } from '../../sandbox/expand-wildcards.ts';
import { resolveInsideRoot } from '../../sandbox/resolve-inside-root.ts';
import type { ParsedCommand } from '../parsed-command.ts';
import { approval } from './findings.ts';
import type { Finding, PolicyContext } from './verdict.ts';

const LOCATION_CHANGERS = new Set(['set-location', 'push-location']);
const WILDCARD = /[*?[]/;
/** Enough for any real script; past it the command needs approval instead of a slow check. */
const MAX_LOCATIONS = 64;

/**
 * Every directory a statement of the command may run in: the job's working directory, plus each
 * static `Set-Location`/`Push-Location` (`cd`, `sl`, `pushd`) target resolved from every location
 * found before it, links followed on disk. Control flow is not followed, so the set may hold more
 * than can really happen; paths are then judged from all of them (stricter, never looser). A
 * target outside the root is left out here: the path rules deny it anyway.
 *
 * @example reachableLocations(parse('cd sub; Get-Content x'), { root: '/repo', ... }).cwds // ['/repo', '/repo/sub']
 */
export function reachableLocations(
  parsed: ParsedCommand,
  ctx: PolicyContext,
): { cwds: string[]; findings: Finding[] } {
  const cwds = [ctx.cwd ?? ctx.root];
  const findings: Finding[] = [];
  const options = { platform: ctx.platform, realpath: ctx.realpath };
  for (const invocation of parsed.invocations) {
    if (!LOCATION_CHANGERS.has(invocation.name) || !invocation.knownCmdlet) continue;
    const target = invocation.parameters.find(
      (p) => (p.name === 'path' || p.name === 'literalpath') && p.value?.static,
    );
    if (!target?.value) continue; // no path or a computed one: judged elsewhere (approval)
    const literal = target.name === 'literalpath';
    for (const from of [...cwds]) {
      for (const item of target.value.items) {
        const expanded =
          !literal && ctx.realpath && WILDCARD.test(item)
            ? expandWildcards(item, from, ctx.platform)
            : undefined;
        if (expanded === 'too-many') {
          findings.push(
            approval('dynamic-path', `${invocation.rawName} ${item} matches too many folders`),
          );
          continue;
        }
        for (const candidate of expanded ?? [item]) {
          const verdict = resolveInsideRoot(ctx.root, candidate, { ...options, cwd: from });
          // On disk, a folder that does not exist cannot be entered (Set-Location fails there).
          if (!verdict.inside || cwds.includes(verdict.resolved)) continue;
          if (ctx.realpath && !isDirectory(verdict.resolved)) continue;
          cwds.push(verdict.resolved);
        }
      }
      if (cwds.length > MAX_LOCATIONS) {
        findings.push(approval('dynamic-path', 'the command changes location too often to follow'));
        return { cwds: cwds.slice(0, MAX_LOCATIONS), findings };
      }
    }
  }
  return { cwds, findings };
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
