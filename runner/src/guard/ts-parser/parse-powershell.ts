import { emptyParsedCommand, type InvokedVia, type ParsedCommand } from '../parsed-command.ts';
import { bindInvocation } from './bind-invocation.ts';
import { PsScriptParser } from './parser.ts';

/**
 * Parses PowerShell text with the TypeScript front end (no nested shells expanded yet; see
 * expand-nested.ts).
 *
 * @example parsePowerShell('rm -r -fo x').invocations[0]?.name // 'remove-item'
 */
export function parsePowerShell(text: string, depth = 0, via: InvokedVia = 'direct'): ParsedCommand {
  const out = emptyParsedCommand();
  const parser = new PsScriptParser(text, out, (raw) => out.invocations.push(bindInvocation(raw)));
  parser.parseScript({ depth, via });
  return out;
}
