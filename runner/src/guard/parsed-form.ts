import { createHash } from 'node:crypto';
import type { ArgValue, ParsedCommand } from './parsed-command.ts';

function value(v: ArgValue | undefined): unknown {
  if (v === undefined) return null;
  return v.static ? v.items : { dynamic: v.text };
}

/**
 * The canonical text of what a command does: canonical names, resolved parameters, values,
 * nested commands, redirections, .NET calls and dynamic parts, in order. Spelling does not
 * show here (`rm -r -fo x` and `Remove-Item -Recurse -Force x` have the same parsed form);
 * that is what an approver reads.
 *
 * @example parsedForm(parsePowerShell('rm x')) // '{"invocations":[{"name":"remove-item",...}]...}'
 */
export function parsedForm(parsed: ParsedCommand): string {
  return JSON.stringify({
    invocations: parsed.invocations.map((i) => ({
      name: i.name,
      // `& 'Remove-Item'` runs the same thing as `Remove-Item`: the call operator is spelling.
      via: i.invokedVia === 'call-operator' ? 'direct' : i.invokedVia,
      depth: i.depth,
      parameters: i.knownCmdlet ? i.parameters.map((p) => [p.name, value(p.value)]) : undefined,
      argv: i.knownCmdlet ? undefined : i.argv,
    })),
    redirections: parsed.redirections.map((r) => [r.operator, value(r.target)]),
    dotnet: parsed.dotnetCalls.map((c) => `${c.type}::${c.member}`),
    dynamic: parsed.dynamic.map((d) => [d.kind, d.text]),
    parseErrors: parsed.parseErrors.length,
  });
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The key an approval is bound to: the parsed form AND the exact text. The issue asks that an
 * obfuscated variant needs its own approval, and obfuscations are built to share a parsed form
 * with the original, so the text is part of the key; the parsed form is part of it so that an
 * approval is tied to what the approver was shown, under one parser version.
 *
 * @example approvalBinding('{...}', 'rm x').length // 64
 */
export function approvalBinding(form: string, rawText: string): string {
  return sha256(`ko-guard-binding-v1\n${sha256(form)}\n${sha256(rawText)}`);
}
