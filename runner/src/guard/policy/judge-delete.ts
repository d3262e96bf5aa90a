import type { ArgValue, Invocation } from '../parsed-command.ts';
import { approval, deny } from './findings.ts';
import type { Finding } from './verdict.ts';

const REGISTRY = /^(hklm|hkcu|hkcr|hku|hkcc):|^hkey_|^([a-z.\\]*\\)?registry::/i;
const WILDCARD = /[*?[\]]/;
/** Short flag clusters that include r (`-rf`, `-fr`, `-R`) as rm would read them. */
const RECURSIVE_FLAG = /^(--recursive|-[fivdIR]*[rR][fivdIR]*)$/;

function isFalse(value: ArgValue | undefined): boolean {
  return value !== undefined && value.static && /^(\$false|0|false)$/i.test(value.text);
}

/**
 * Remove-Item and its aliases: recursive or wildcard deletes and registry deletes are denied;
 * anything else that deletes needs approval.
 *
 * @example judgeRemoveItem(parsePowerShell('rm -r -fo x').invocations[0])[0]?.rule // 'recursive-delete'
 */
export function judgeRemoveItem(invocation: Invocation): Finding[] {
  const label = invocation.alias ?? invocation.name;
  const findings: Finding[] = [];
  const recurse = invocation.parameters.find((p) => p.name === 'recurse');
  const nativeStyle = invocation.argv.find((a) => RECURSIVE_FLAG.test(a));
  if ((recurse && !isFalse(recurse.value)) || nativeStyle) {
    findings.push(
      deny(
        'recursive-delete',
        `${label} deletes recursively (${recurse ? `-${recurse.rawName}` : nativeStyle})`,
      ),
    );
  }
  const paths = invocation.parameters.filter((p) => p.name === 'path' || p.name === 'literalpath');
  const items = paths.flatMap((p) =>
    p.value ? p.value.items.map((item) => ({ item, literal: p.name === 'literalpath' })) : [],
  );
  if (items.some(({ item }) => REGISTRY.test(item))) {
    findings.push(
      deny(
        'registry-delete',
        `${label} deletes registry keys (${items.map((i) => i.item).join(', ')})`,
      ),
    );
  }
  if (items.some(({ item, literal }) => !literal && WILDCARD.test(item))) {
    findings.push(
      deny(
        'wildcard-delete',
        `${label} deletes with a wildcard (${items.map((i) => i.item).join(', ')})`,
      ),
    );
  }
  if (invocation.parameters.some((p) => ['include', 'exclude', 'filter'].includes(p.name))) {
    findings.push(deny('wildcard-delete', `${label} deletes with -Include/-Exclude/-Filter`));
  }
  if (paths.length === 0 && !invocation.argv.some((a) => a.startsWith('@'))) {
    findings.push(
      deny('wildcard-delete', `${label} without a path deletes whatever the pipeline sends it`),
    );
  }
  if (findings.length === 0)
    findings.push(
      approval('delete', `${label} deletes ${items.map((i) => i.item).join(', ') || 'items'}`),
    );
  return findings;
}

/** Registry value deletes (Remove-ItemProperty on HKLM:\...) are denied; others need approval. */
export function judgeRemoveItemProperty(invocation: Invocation): Finding[] {
  const path = invocation.parameters.find(
    (p) => p.name === 'path' || p.name === 'literalpath',
  )?.value;
  if (path?.items.some((i) => REGISTRY.test(i)))
    return [
      deny('registry-delete', `${invocation.name} deletes registry values under ${path.text}`),
    ];
  return [approval('delete', `${invocation.name} deletes item properties`)];
}

/**
 * Native deletes: rm/unlink (POSIX flags), cmd's del/erase (`/s`, wildcards) and rd/rmdir (`/s`).
 *
 * @example judgeNativeDelete(nativeInvocation('rm', ['-rf', '/'], 'bash -c', 1))[0]?.rule // 'recursive-delete'
 */
export function judgeNativeDelete(invocation: Invocation): Finding[] {
  const { name, argv } = invocation;
  const label = `${name} ${argv.join(' ')}`.trim();
  const cmdStyle = invocation.invokedVia === 'cmd /c' || ['del', 'erase', 'rd'].includes(name);
  if (cmdStyle && argv.some((a) => /^\/s$/i.test(a)))
    return [deny('recursive-delete', `${label} deletes a tree (/s)`)];
  if (!cmdStyle && argv.some((a) => RECURSIVE_FLAG.test(a) || a === '--no-preserve-root')) {
    return [deny('recursive-delete', `${label} deletes recursively`)];
  }
  if (argv.some((a) => !a.startsWith('-') && !/^\/[a-z]$/i.test(a) && WILDCARD.test(a)))
    return [deny('wildcard-delete', `${label} deletes with a wildcard`)];
  return [approval('delete', `${label} deletes files`)];
}
