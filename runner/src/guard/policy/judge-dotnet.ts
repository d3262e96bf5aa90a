import type { DotnetCall } from '../parsed-command.ts';
import { approval, deny } from './findings.ts';
import {
  DENIED_STATIC_MEMBERS,
  DOWNLOAD_MEMBERS,
  SAFE_INSTANCE_MEMBERS,
  SAFE_STATIC_MEMBERS,
} from './rule-tables.ts';
import type { Finding } from './verdict.ts';

/**
 * A .NET member access: known destructive ones are denied, pure ones pass, the rest needs
 * approval (a .NET call can do anything a cmdlet can).
 *
 * @example judgeDotnetCall({ type: 'io.directory', member: 'delete' })?.verdict // 'deny'
 */
export function judgeDotnetCall(call: DotnetCall): Finding | undefined {
  const key = `${call.type}::${call.member}`;
  const denied = DENIED_STATIC_MEMBERS.get(key);
  if (denied) return deny(denied, `[${call.type}]::${call.member} is destructive`);
  if (call.type === 'scriptblock' && call.member === 'create')
    return approval('scriptblock-create', '[scriptblock]::Create turns text into code');
  if (DOWNLOAD_MEMBERS.has(call.member))
    return approval('download', `.${call.member}() fetches from the network`);
  if (call.type === '<instance>') {
    return SAFE_INSTANCE_MEMBERS.has(call.member)
      ? undefined
      : approval('dotnet-call', `the method .${call.member}() may change state`);
  }
  if (SAFE_STATIC_MEMBERS.has(key) || SAFE_STATIC_MEMBERS.has(`${call.type}::*`)) return undefined;
  return approval('dotnet-call', `[${call.type}]::${call.member} is not on the allow-list`);
}
