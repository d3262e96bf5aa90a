import { resolveAllInsideRoot, resolveInsideRoot } from '../../sandbox/resolve-inside-root.ts';
import {
  isWindowsPathInside,
  joinWindowsPath,
  normalizeWindowsPath,
} from '../../sandbox/windows-path.ts';
import type { ArgValue, Invocation, Redirection } from '../parsed-command.ts';
import { approval, deny } from './findings.ts';
import { PATH_PARAMETERS, PATH_STRING_CMDLETS, SAFE_CMDLETS } from './rule-tables.ts';
import type { Finding, PolicyContext } from './verdict.ts';

/**
 * Checks one location against the root: outside (or a device, a stream, an unknown drive...)
 * is denied; a non-file-system provider path (`HKLM:\`, `Env:`) needs approval.
 *
 * @example judgePath('../x', { root: '/repo', platform: 'linux', realpath: false }, 'Get-Content')?.verdict // 'deny'
 */
function judgePath(
  candidate: string,
  ctx: PolicyContext,
  what: string,
  literal = false,
): Finding | undefined {
  const resolve = literal ? resolveInsideRoot : resolveAllInsideRoot;
  const verdict = resolve(ctx.root, candidate, {
    platform: ctx.platform,
    realpath: ctx.realpath,
    ...(ctx.cwd !== undefined ? { cwd: ctx.cwd } : {}),
  });
  if (!verdict.inside && verdict.code === 'PROVIDER_PATH')
    return approval('provider-path', `${what}: ${verdict.reason}`);
  if (ctx.platform !== 'win32') {
    const windows = judgeWindowsSyntax(candidate, what);
    if (windows) return windows;
  }
  if (verdict.inside) return undefined;
  return deny('path-outside-root', `${what}: ${verdict.reason} (${verdict.code})`);
}

const PSEUDO_ROOT = 'C:\\__root__';

/**
 * The same command may reach a Windows runner, so on other hosts a path written with Windows
 * syntax that would leave the root there (drive, UNC, `\\?\`, device, stream) is refused too.
 */
function judgeWindowsSyntax(candidate: string, what: string): Finding | undefined {
  if (!/[\\:]/.test(candidate) || /^[a-z][a-z0-9+.-]+:\/\//i.test(candidate)) return undefined;
  const parts = normalizeWindowsPath(candidate, PSEUDO_ROOT);
  if ('inside' in parts)
    return parts.inside
      ? undefined
      : deny('path-outside-root', `${what}: ${parts.reason} (${parts.code})`);
  if (!isWindowsPathInside(PSEUDO_ROOT, joinWindowsPath(parts))) {
    return deny(
      'path-outside-root',
      `${what}: '${candidate}' is an absolute Windows path, outside any root on a Windows runner`,
    );
  }
  return undefined;
}

/** True when a native argument looks like a location (absolute, `~`, or with a `..` step). */
function looksLikePath(arg: string, ctx: PolicyContext, invocation: Invocation): boolean {
  if (/^~([\\/]|$)/.test(arg)) return true;
  if (/(^|[\\/])\.\.([\\/]|$)/.test(arg)) return true;
  if (/^[a-z]:/i.test(arg) || arg.startsWith('\\')) return true;
  if (arg.startsWith('/')) {
    const switchLike = ctx.platform === 'win32' || invocation.invokedVia === 'cmd /c';
    return arg.slice(1).includes('/') || (!switchLike && arg.length > 2);
  }
  return false;
}

function pathValues(invocation: Invocation): { value: ArgValue; param: string }[] {
  if (!invocation.knownCmdlet || PATH_STRING_CMDLETS.has(invocation.name)) return [];
  return invocation.parameters
    .filter((p) => PATH_PARAMETERS.has(p.name) && p.value !== undefined)
    .filter(
      (p) =>
        !(
          invocation.name === 'start-process' &&
          p.name === 'filepath' &&
          !/[\\/]/.test(p.value?.text ?? '')
        ),
    )
    .map((p) => ({ value: p.value as ArgValue, param: p.name }));
}

/**
 * Every location an invocation names: path parameters of known cmdlets, and path-looking
 * arguments of native programs.
 *
 * @example judgeInvocationPaths(parsePowerShell('Get-Content /etc/passwd').invocations[0], ctx)[0]?.rule // 'path-outside-root'
 */
export function judgeInvocationPaths(invocation: Invocation, ctx: PolicyContext): Finding[] {
  const findings: Finding[] = [];
  const label = invocation.alias ?? invocation.name;
  for (const { value, param } of pathValues(invocation)) {
    if (!value.static) {
      if (SAFE_CMDLETS.has(invocation.name))
        findings.push(
          approval('dynamic-path', `${label} -${param} ${value.text} is computed at run time`),
        );
      continue;
    }
    for (const item of value.items) {
      const finding = judgePath(item, ctx, `${label} -${param}`, param === 'literalpath');
      if (finding) findings.push(finding);
    }
  }
  if (!invocation.knownCmdlet) {
    for (const raw of invocation.argv) {
      const arg = raw.includes('=') && !raw.startsWith('=') ? raw.slice(raw.indexOf('=') + 1) : raw;
      for (const candidate of new Set([raw, arg])) {
        if (!looksLikePath(candidate, ctx, invocation)) continue;
        const finding = judgePath(candidate, ctx, `${label} argument`);
        if (finding) findings.push(finding);
      }
    }
  }
  return findings;
}

/**
 * Redirections write files: outside the root is denied, inside needs approval, `$null` is fine.
 *
 * @example judgeRedirection({ operator: '>', target: literal('out.txt'), append: false }, ctx)?.rule // 'redirect-write'
 */
export function judgeRedirection(
  redirection: Redirection,
  ctx: PolicyContext,
): Finding | undefined {
  const target = redirection.target.text;
  if (/^\$null$/i.test(target)) return undefined;
  if (!redirection.target.static)
    return approval(
      'redirect-write',
      `${redirection.operator} writes to a file named at run time (${target})`,
    );
  if (/^nul$/i.test(target)) return undefined;
  if (target === '/dev/null') return undefined;
  return (
    judgePath(target, ctx, `redirection ${redirection.operator}`) ??
    approval('redirect-write', `${redirection.operator} writes the file ${target}`)
  );
}
