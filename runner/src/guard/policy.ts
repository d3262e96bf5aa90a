import type { Invocation, ParsedCommand } from './parsed-command.ts';
import { allow, approval, deny } from './policy/findings.ts';
import { judgeDotnetCall } from './policy/judge-dotnet.ts';
import { judgeInvocation } from './policy/judge-invocation.ts';
import { judgeInvocationPaths, judgeRedirection } from './policy/judge-paths.ts';
import { reachableLocations } from './policy/locations.ts';
import { DOWNLOADERS, DOWNLOAD_MEMBERS, STDIN_INTERPRETERS } from './policy/rule-tables.ts';
import { severity, type Finding, type PolicyContext, type VerdictClass } from './policy/verdict.ts';

export type { Finding, VerdictClass } from './policy/verdict.ts';

interface PolicyVerdict {
  verdict: VerdictClass;
  /** The rule of the worst finding. */
  rule: string;
  reason: string;
  /** Every finding, worst first. */
  findings: Finding[];
}

function isDownload(invocation: Invocation): boolean {
  if (invocation.name === 'certutil') return /urlcache|verifyctl/i.test(invocation.argv.join(' '));
  if (invocation.name === 'new-object')
    return /net\.webclient|net\.http\.httpclient/i.test(invocation.argv.join(' '));
  return DOWNLOADERS.has(invocation.name);
}

function readsCodeFromStdin(invocation: Invocation): boolean {
  if (!STDIN_INTERPRETERS.has(invocation.name) || invocation.knownCmdlet) return false;
  return invocation.argv.every(
    (a) => a === '-' || a === '-s' || /^-(noprofile|nop|noninteractive|noni|nologo|nol)$/i.test(a),
  );
}

/** Download-and-execute and decode-and-execute, which span several commands of one line. */
function judgeCombinations(parsed: ParsedCommand): Finding[] {
  const findings: Finding[] = [];
  const executes =
    parsed.invocations.some((i) => i.name === 'invoke-expression' || readsCodeFromStdin(i)) ||
    parsed.dynamic.some((d) => d.kind === 'scriptblock-create' || d.kind === 'invoke-expression') ||
    parsed.dotnetCalls.some(
      (c) =>
        (c.type === 'scriptblock' && c.member === 'create') ||
        c.member === 'invokescript' ||
        c.member === 'invoke',
    );
  const downloads =
    parsed.invocations.some(isDownload) ||
    parsed.dotnetCalls.some((c) => DOWNLOAD_MEMBERS.has(c.member));
  const decodes = parsed.dotnetCalls.some((c) => c.member === 'frombase64string');
  if (executes && downloads)
    findings.push(deny('download-execute', 'the command downloads content and runs it as code'));
  if (executes && decodes)
    findings.push(deny('encoded-command', 'the command decodes base64 and runs it as code'));
  return findings;
}

function judgeDynamic(parsed: ParsedCommand): Finding[] {
  return parsed.dynamic.map((d) => {
    switch (d.kind) {
      case 'encoded-command':
        return deny('encoded-command', 'an encoded command hides what it runs');
      case 'function-definition':
        return approval('function-definition', `${d.text} defines or redefines a command`);
      case 'alias-definition':
        return approval('alias-definition', `${d.text} redefines a command name`);
      case 'environment-change':
        return /env:\{?git_/i.test(d.text)
          ? deny(
              'git-config-override',
              `${d.text}: GIT_* environment variables configure git (GIT_CONFIG_*, GIT_SSH_COMMAND run programs)`,
            )
          : approval('environment-change', `${d.text} changes what later commands do`);
      case 'member-assignment':
        return approval('member-assignment', `${d.text} = … sets a property on an object`);
      case 'splatting':
        return approval('splatting', `${d.text} passes parameters the guard cannot see`);
      default:
        return approval(`dynamic-${d.kind}`, `${d.text} cannot be known before it runs`);
    }
  });
}

/**
 * The one policy both front ends feed: an allow-list of known-safe commands and parameters,
 * known destructive commands denied, everything else sent for approval. Unknown or dynamic
 * constructs are never allowed.
 *
 * @example evaluatePolicy(parse('Remove-Item -Recurse x'), ctx).verdict // 'deny'
 */
export function evaluatePolicy(parsed: ParsedCommand, ctx: PolicyContext): PolicyVerdict {
  // After `cd sub`, `link/x` means sub/link/x: paths are judged from every location reached.
  const locations = reachableLocations(parsed, ctx);
  const elsewhere = locations.cwds.slice(1).map((cwd) => ({ ...ctx, cwd }));
  const all: Finding[] = [
    ...parsed.parseErrors.map((e) =>
      approval('parse-error', `the command does not parse cleanly: ${e}`),
    ),
    ...judgeDynamic(parsed),
    ...judgeCombinations(parsed),
    ...parsed.invocations.flatMap((i) => judgeInvocation(i, ctx)),
    ...parsed.dotnetCalls.flatMap((c) => judgeDotnetCall(c) ?? []),
    ...parsed.redirections.flatMap((r) => judgeRedirection(r, ctx) ?? []),
    ...locations.findings,
    ...elsewhere.flatMap((c) => [
      ...parsed.invocations.flatMap((i) => judgeInvocationPaths(i, c)),
      ...parsed.redirections.flatMap((r) => judgeRedirection(r, c) ?? []),
    ]),
  ];
  const seen = new Set<string>();
  const findings = all.filter((f) => {
    const key = `${f.verdict}\u0000${f.rule}\u0000${f.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (findings.length === 0) findings.push(allow('no-command', 'the text runs no command'));
  const sorted = findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => severity(b.f.verdict) - severity(a.f.verdict) || a.i - b.i)
    .map(({ f }) => f);
  const top = sorted[0] as Finding;
  return { verdict: top.verdict, rule: top.rule, reason: top.reason, findings: sorted };
}
