import type { Invocation } from '../parsed-command.ts';
import { allow, approval } from './findings.ts';
import type { Finding } from './verdict.ts';

function isScriptblock(text: string | undefined): boolean {
  return text !== undefined && text.startsWith('{');
}

/**
 * An allow-listed cmdlet is allowed only with parameters it really has (an unknown or ambiguous
 * one needs approval) and in its read-only forms.
 *
 * @example judgeSafeCmdlet(parsePowerShell('Get-ChildItem -Recurse -Force').invocations[0])[0]?.verdict // 'allow'
 */
export function judgeSafeCmdlet(invocation: Invocation): Finding[] {
  const label = invocation.alias ?? invocation.name;
  const odd = invocation.parameters.find(
    (p) => p.resolution === 'unknown' || p.resolution === 'ambiguous',
  );
  if (odd)
    return [
      approval(
        'unknown-parameter',
        `${label} -${odd.rawName} is not a parameter the guard knows for ${invocation.name}`,
      ),
    ];
  if (invocation.name === 'foreach-object') {
    const blocks = invocation.parameters.filter(
      (p) =>
        ['process', 'begin', 'end', 'remainingscripts', 'membername', 'argumentlist'].includes(
          p.name,
        ) || p.resolution === 'positional',
    );
    const notBlock =
      invocation.positional.find((v) => !isScriptblock(v.text)) ??
      blocks.find((p) => !isScriptblock(p.value?.text))?.value;
    if (
      notBlock ||
      invocation.parameters.some((p) => p.name === 'membername' && p.resolution !== 'positional')
    ) {
      return [
        approval(
          'method-invocation',
          `ForEach-Object ${notBlock?.text ?? ''} calls a method or property by name`.trim(),
        ),
      ];
    }
  }
  if (
    (invocation.name === 'set-location' || invocation.name === 'push-location') &&
    !invocation.parameters.some((p) => p.name === 'path' || p.name === 'literalpath')
  ) {
    return [approval('not-allow-listed', `${label} without a path goes to the home directory`)];
  }
  const filter = invocation.parameters.find(
    (p) =>
      ['filter', 'include', 'exclude'].includes(p.name) &&
      p.value &&
      (!p.value.static || /[\\/]|\.\./.test(p.value.text)),
  );
  if (filter)
    return [
      approval(
        'dynamic-path',
        `${label} -${filter.rawName} ${filter.value?.text ?? ''} is a path pattern, not a name pattern`,
      ),
    ];
  if (invocation.parameters.some((p) => p.name === 'followsymlink')) {
    return [
      approval(
        'not-allow-listed',
        `${label} -FollowSymlink can walk out of the root through links`,
      ),
    ];
  }
  if (
    invocation.name === 'get-help' &&
    invocation.parameters.some((p) => p.name === 'online' || p.name === 'showwindow')
  ) {
    return [approval('not-allow-listed', 'Get-Help -Online opens a browser')];
  }
  return [allow('allow-listed', `${label} only reads or formats`)];
}
