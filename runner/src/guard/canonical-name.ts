import { BUILTIN_ALIASES } from './aliases.ts';

interface CanonicalName {
  /** Lower case, qualifier and directory stripped, `.exe`/`.com` dropped, alias resolved. */
  name: string;
  /** The alias that was resolved (`rm`), when there was one. */
  alias?: string;
  /** True when written with a module qualifier or a directory (`Microsoft.PowerShell.Management\Remove-Item`, `/bin/rm`). */
  qualified: boolean;
  /** What came before the name (`Microsoft.PowerShell.Management`, `./tools`), lower case. */
  qualifier?: string;
}

/** Modules that ship with PowerShell 7: qualifying a name with one of them changes nothing. */
const BUILTIN_MODULES = new Set([
  'microsoft.powershell.management',
  'microsoft.powershell.utility',
  'microsoft.powershell.core',
  'microsoft.powershell.security',
  'microsoft.powershell.host',
  'microsoft.powershell.diagnostics',
  'microsoft.powershell.archive',
  'cimcmdlets',
]);

/**
 * True when a qualifier can make a name run something other than the built-in command:
 * a directory (`./git`, `C:\tools\git.exe`) or a module that does not ship with PowerShell.
 *
 * @example isForeignQualifier('./tools') // true
 */
export function isForeignQualifier(qualifier: string | undefined): boolean {
  return qualifier !== undefined && !BUILTIN_MODULES.has(qualifier);
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
  return qualified
    ? { name, qualified, qualifier: trimmed.slice(0, lastSeparator) }
    : { name, qualified };
}
