import { isForeignQualifier } from '../canonical-name.ts';
import type { Invocation } from '../parsed-command.ts';
import { allow, approval, deny } from './findings.ts';
import { judgeNativeDelete, judgeRemoveItem, judgeRemoveItemProperty } from './judge-delete.ts';
import { judgeGit } from './judge-git.ts';
import { judgeInvocationPaths } from './judge-paths.ts';
import { judgeSafeCmdlet } from './judge-safe-cmdlet.ts';
import {
  SAFE_CMDLETS,
  SECURITY_DISABLERS,
  SHUTDOWN_COMMANDS,
  VOLUME_DESTROYERS,
} from './rule-tables.ts';
import type { Finding, PolicyContext } from './verdict.ts';

const NATIVE_DELETES = new Set(['rm', 'unlink', 'del', 'erase', 'rd', 'rmdir']);

function argText(invocation: Invocation): string {
  return invocation.argv.join(' ').toLowerCase();
}

/** Rules that look at the command name and its arguments (paths are judged separately). */
function judgeByName(invocation: Invocation): Finding[] {
  const { name } = invocation;
  const label = invocation.alias ?? invocation.name;
  const args = argText(invocation);
  if (VOLUME_DESTROYERS.has(name) || name.startsWith('mkfs.'))
    return [deny('destroy-volume', `${label} erases disks or volumes`)];
  if (name === 'dd' && /\bof=\/dev\//.test(args))
    return [deny('destroy-volume', `dd writes to a device (${args})`)];
  if (name === 'cipher' && /\/w/.test(args))
    return [deny('destroy-volume', 'cipher /w wipes free space')];
  if (SHUTDOWN_COMMANDS.has(name))
    return [deny('shutdown', `${label} shuts down or restarts the host`)];
  if (name === 'systemctl' && /\b(poweroff|reboot|halt|kexec|rescue|emergency)\b/.test(args))
    return [deny('shutdown', `systemctl ${args}`)];
  if (name === 'init' && /^\s*[06]\s*$/.test(args)) return [deny('shutdown', `init ${args}`)];
  if (SECURITY_DISABLERS.has(name))
    return [deny('disable-security', `${label} weakens the host's security settings`)];
  if (name === 'set-executionpolicy') {
    const policy = invocation.parameters.find((p) => p.name === 'executionpolicy')?.value;
    if (!policy?.static)
      return [approval('execution-policy', 'Set-ExecutionPolicy with a computed policy')];
    if (/^(unrestricted|bypass)$/i.test(policy.text))
      return [
        deny(
          'disable-security',
          `Set-ExecutionPolicy ${policy.text} turns script signing checks off`,
        ),
      ];
    return [approval('execution-policy', `Set-ExecutionPolicy ${policy.text}`)];
  }
  if (name === 'netsh' && /firewall/.test(args) && /\b(off|disable|allow)\b/.test(args))
    return [deny('disable-security', `netsh ${args} opens or turns off the firewall`)];
  if (name === 'set-netfirewallprofile' && /-enabled(:|\s+)(\$?false|0)/i.test(args))
    return [
      deny('disable-security', 'Set-NetFirewallProfile -Enabled False turns the firewall off'),
    ];
  if ((name === 'vssadmin' || name === 'wbadmin') && /\bdelete\b/.test(args))
    return [deny('destroy-recovery', `${name} ${args} deletes backups or shadow copies`)];
  if (name === 'bcdedit' && /recoveryenabled|bootstatuspolicy|\/delete/.test(args))
    return [deny('destroy-recovery', `bcdedit ${args}`)];
  if (name === 'reg' && /^delete\b/.test(args))
    return [deny('registry-delete', `reg ${args} deletes registry keys`)];
  if (name === 'remove-item') return judgeRemoveItem(invocation);
  if (name === 'remove-itemproperty' || name === 'clear-itemproperty')
    return judgeRemoveItemProperty(invocation);
  if (!invocation.knownCmdlet && NATIVE_DELETES.has(name)) return judgeNativeDelete(invocation);
  if (name === 'find' && /(^|\s)-delete\b|-exec(dir)?\s+(rm|shred|unlink)\b/.test(args))
    return [deny('recursive-delete', `find ${args} deletes what it finds`)];
  if (name === 'robocopy' && /\/(mir|purge)\b/.test(args))
    return [deny('recursive-delete', `robocopy ${args} deletes files missing from the source`)];
  if (name === 'git') return judgeGit(invocation);
  if (SAFE_CMDLETS.has(name) && invocation.knownCmdlet) return judgeSafeCmdlet(invocation);
  if ((name === 'hostname' || name === 'whoami') && invocation.argv.length === 0)
    return [allow('allow-listed', `${name} only prints`)];
  if (name === 'set-alias' || name === 'new-alias')
    return [approval('alias-definition', `${label} redefines what a command name runs`)];
  if (name === 'invoke-expression')
    return [approval('invoke-expression', 'Invoke-Expression runs text as code')];
  return [approval('not-allow-listed', `${label} is not on the allow-list`)];
}

/**
 * Everything the policy says about one invocation: its own rules plus its paths.
 *
 * @example judgeInvocation(parsePowerShell('Get-ChildItem -Recurse').invocations[0], ctx) // [{ verdict: 'allow', ... }]
 */
export function judgeInvocation(invocation: Invocation, ctx: PolicyContext): Finding[] {
  if (!invocation.staticName)
    return [
      approval('dynamic-command', `the command name ${invocation.rawName} is computed at run time`),
    ];
  let own = judgeByName(invocation);
  if (isForeignQualifier(invocation.qualifier)) {
    // `./git status` runs a file from the repository, not git: the allow-list does not apply.
    own = own.map((f) =>
      f.verdict === 'allow'
        ? approval(
            'qualified-command',
            `${invocation.rawName} names a file or module, not the built-in ${invocation.name}`,
          )
        : f,
    );
  }
  return [...own, ...judgeInvocationPaths(invocation, ctx)];
}
