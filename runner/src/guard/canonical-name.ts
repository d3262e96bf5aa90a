import { BUILTIN_ALIASES } from './aliases.ts';

export interface CanonicalName {
  /** Lower case, qualifier and directory stripped, `.exe`/`.com` dropped, alias resolved. */
  name: string;
  /** The alias that was resolved (`rm`), when there was one. */
  alias?: string;
  /** True when written with a module qualifier or a directory (`Microsoft.PowerShell.Management\Remove-Item`, `/bin/rm`). */
  qualified: boolean;
}

/**
 * The canonical name of a command as written.
 *
 * @example canonicalCommandName('Microsoft.PowerShell.Management\\Remove-Item') // { name: 'remove-item', qualified: true }
 * @example canonicalCommandName('RM') // { name: 'remove-item', alias: 'rm', qualified: false }
 */
export function canonicalCommandName(rawName: string): CanonicalName {
  const trimmed = rawName.trim().toLowerCase();
  const lastSeparator = Math.max(trimmed.lastIndexOf('\\'), trimmed.lastIndexOf('/'));
  const qualified = lastSeparator >= 0;
  let name = qualified ? trimmed.slice(lastSeparator + 1) : trimmed;
  const hadExtension = /\.(exe|com)$/.test(name);
  if (hadExtension) name = name.slice(0, -4);
  if (!qualified && !hadExtension) {
    const target = BUILTIN_ALIASES[name];
    if (target !== undefined) return { name: target, alias: name, qualified };
  }
  return { name, qualified };
}
