import { emptyParsedCommand, type InvokedVia, type ParsedCommand } from '../parsed-command.ts';
import { bindInvocation } from './bind-invocation.ts';
import { PsScriptParser } from './parser.ts';

/**
 * Parses PowerShell text with the TypeScript front end (no nested shells expanded yet; see
 * expand-nested.ts).
 *
 * @example parsePowerShell('rm -r -fo x').invocations[0]?.name // 'remove-item'
 */
export function parsePowerShell(
  text: string,
  depth = 0,
  via: InvokedVia = 'direct',
): ParsedCommand {
  const out = emptyParsedCommand();
  // `Set-Alias ls Remove-Item; ls -Recurse x`: later commands in the same text see the new alias.
  const redefined = new Map<string, string>();
  const parser = new PsScriptParser(text, out, (raw) => {
    const invocation = bindInvocation(raw, redefined);
    out.invocations.push(invocation);
    if (invocation.name === 'set-alias' || invocation.name === 'new-alias') {
      const name = invocation.parameters.find((p) => p.name === 'name')?.value;
      const value = invocation.parameters.find((p) => p.name === 'value')?.value;
      if (name?.static && value?.static) redefined.set(name.text.toLowerCase(), value.text);
    }
  });
  parser.parseScript({ depth, via });
  return out;
}
