import { decide, parseCommandTs, type GuardDecision, type GuardOptions } from './check-command.ts';
import { expandNested, MAX_NESTED_DEPTH } from './expand-nested.ts';
import type { ParsedCommand } from './parsed-command.ts';
import { parsedForm } from './parsed-form.ts';
import {
  parseWithPwsh,
  type PwshParseRequest,
  type PwshParserOptions,
} from './ps-parser/run-ps-parser.ts';
import { severity } from './policy/verdict.ts';

function key(r: PwshParseRequest): string {
  return `${r.depth}\u0000${r.via}\u0000${r.text}`;
}

/**
 * Parses many commands with PowerShell's parser, nested PowerShell text included: each nesting
 * level is one more batch (one pwsh process per level, not per command).
 *
 * @example const [parsed] = await parseCommandsPwsh(['cmd /c "rd /s x"'], {});
 */
async function parseCommandsPwsh(
  texts: string[],
  options: PwshParserOptions = {},
): Promise<ParsedCommand[]> {
  const cache = new Map<string, ParsedCommand>();
  const top = await parseWithPwsh(
    texts.map((text) => ({ text, depth: 0, via: 'direct' })),
    options,
  );
  const lookup = {
    parsePowerShell: (text: string, depth: number, via: PwshParseRequest['via']) =>
      cache.get(key({ text, depth, via })),
  };
  for (let round = 0; round <= MAX_NESTED_DEPTH; round += 1) {
    const pending = new Map<string, PwshParseRequest>();
    for (const parsed of top)
      for (const p of expandNested(parsed, lookup).pending) pending.set(key(p), p);
    if (pending.size === 0) break;
    const requests = [...pending.values()];
    const results = await parseWithPwsh(requests, options);
    requests.forEach((r, i) => cache.set(key(r), results[i] as ParsedCommand));
  }
  return top.map((parsed) => {
    const { parsed: expanded, pending } = expandNested(parsed, lookup);
    for (const p of pending) expanded.dynamic.push({ kind: 'unparsed-nested', text: p.text });
    return expanded;
  });
}

/**
 * The guard with PowerShell's own parser (the runner's front end). The parsed form and the
 * approval binding stay those of the TypeScript front end, so an approval granted in the app
 * matches on the runner.
 *
 * @example (await checkCommandsPwsh(['Remove-Item -Recurse x'], { root: '/repo' }))[0]?.verdict // 'deny'
 */
export async function checkCommandsPwsh(
  texts: string[],
  options: GuardOptions & PwshParserOptions,
): Promise<GuardDecision[]> {
  const parsed = await parseCommandsPwsh(texts, options);
  return texts.map((text, i) =>
    decide(text, parsed[i] as ParsedCommand, options, 'pwsh', parsedForm(parseCommandTs(text))),
  );
}

/**
 * What the runner enforces: both front ends, and the stricter verdict wins. The runner never
 * trusts the app's verdict alone, and a disagreement can only make a decision stricter.
 *
 * @example (await checkCommandStrict('rm -r x', { root: '/repo' })).verdict // 'deny'
 */
export async function checkCommandStrict(
  text: string,
  options: GuardOptions & PwshParserOptions,
): Promise<GuardDecision> {
  const [pwsh] = await checkCommandsPwsh([text], options);
  const ts = decide(text, parseCommandTs(text), options, 'ts');
  const stricter = pwsh && severity(pwsh.verdict) > severity(ts.verdict) ? pwsh : ts;
  const other = stricter === ts ? pwsh : ts;
  return {
    ...stricter,
    engine: 'both',
    findings: [...stricter.findings, ...(other?.findings ?? [])],
  };
}
