import type { Invocation, InvokedVia } from '../parsed-command.ts';

/**
 * An invocation of a program run by another shell (cmd, sh) or by Start-Process: no PowerShell
 * alias resolution (`del` under cmd is cmd's del), no parameter binding; flags stay in argv.
 *
 * @example nativeInvocation('/bin/rm', ['-rf', '/'], 'bash -c', 1).name // 'rm'
 */
export function nativeInvocation(
  rawName: string,
  argv: string[],
  via: InvokedVia,
  depth: number,
): Invocation {
  const lower = rawName.toLowerCase();
  const base = lower.slice(Math.max(lower.lastIndexOf('\\'), lower.lastIndexOf('/')) + 1);
  const name = base.replace(/\.(exe|com)$/, '');
  const separator = Math.max(lower.lastIndexOf('\\'), lower.lastIndexOf('/'));
  return {
    name,
    rawName,
    knownCmdlet: false,
    staticName: !rawName.includes('$') && !rawName.includes('%'),
    parameters: [],
    positional: argv.map((text) => ({
      text,
      items: [text],
      static: !text.includes('$') && !text.includes('%') && !text.includes('`'),
    })),
    argv,
    invokedVia: via,
    depth,
    ...(separator >= 0 ? { qualifier: lower.slice(0, separator) } : {}),
  };
}
