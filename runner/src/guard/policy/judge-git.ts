import type { Invocation } from '../parsed-command.ts';
import { allow, approval, deny } from './findings.ts';
import { GIT_CODE_CONFIG, GIT_READ_SUBCOMMANDS, GIT_RISKY_OPTION } from './rule-tables.ts';
import type { Finding } from './verdict.ts';

const LIST_ONLY: Record<string, RegExp> = {
  branch: /^(-a|-r|-v|-vv|--all|--remotes|--list|--show-current|--verbose)$/,
  remote: /^(-v|--verbose)$/,
  tag: /^(-l|--list)$/,
  stash: /^list$/,
};
const CONFIG_READ =
  /^(--get|--get-all|--get-regexp|--list|-l|--show-origin|--show-scope|--name-only)$/;

/**
 * git: `-c` and `--config-env` (core.fsmonitor and friends run programs) are denied, as are
 * config writes of such keys and `git clean -f`; read-only subcommands are allowed; the rest
 * needs approval.
 *
 * @example judgeGit(parsePowerShell('git -c core.fsmonitor=x status').invocations[0])[0]?.verdict // 'deny'
 */
export function judgeGit(invocation: Invocation): Finding[] {
  const argv = invocation.argv;
  let i = 0;
  for (; i < argv.length; i += 1) {
    const a = argv[i] as string;
    if (a === '-c' || /^-c./.test(a) || a.toLowerCase().startsWith('--config')) {
      return [
        deny(
          'git-config-override',
          `git ${a} ${argv[i + 1] ?? ''}: configuration on the command line can run programs (core.fsmonitor, core.sshCommand...)`.trim(),
        ),
      ];
    }
    if (!a.startsWith('-')) break;
    if (a === '-C' || /^--(git-dir|work-tree)/.test(a)) {
      return [
        approval(
          'git-risky-option',
          `git ${a} ${argv[i + 1] ?? ''} works on another repository or directory`.trim(),
        ),
      ];
    }
    if (a === '--namespace') i += 1;
    if (a.startsWith('--exec-path'))
      return [approval('git-risky-option', `git ${a} changes where git finds its programs`)];
  }
  const sub = argv[i]?.toLowerCase();
  const rest = argv.slice(i + 1);
  if (sub === undefined) return [allow('allow-listed', 'git without a subcommand prints help')];
  if (sub === 'config') {
    if (rest.some((a) => CONFIG_READ.test(a))) return [allow('allow-listed', 'git config read')];
    const key = rest.find((a) => !a.startsWith('-'));
    if (key && GIT_CODE_CONFIG.test(key))
      return [deny('git-config-override', `git config ${key} sets a program git will run`)];
    return [approval('git-write', `git config ${rest.join(' ')} changes configuration`)];
  }
  if (sub === 'clean') {
    const dryRun = rest.some((a) => a === '-n' || a === '--dry-run');
    const force = rest.some((a) => a === '--force' || /^-[a-z]*f/i.test(a));
    if (force && !dryRun)
      return [
        deny('recursive-delete', `git clean ${rest.join(' ')} deletes untracked files for good`),
      ];
    return [approval('git-write', `git clean ${rest.join(' ')}`)];
  }
  const risky = rest.find((a) => GIT_RISKY_OPTION.test(a));
  if (risky)
    return [approval('git-risky-option', `git ${sub} ${risky} can write files or run programs`)];
  if (GIT_READ_SUBCOMMANDS.has(sub)) return [allow('allow-listed', `git ${sub} only reads`)];
  const listOnly = LIST_ONLY[sub];
  if (listOnly && (sub !== 'stash' || rest.length > 0) && rest.every((a) => listOnly.test(a)))
    return [allow('allow-listed', `git ${sub} ${rest.join(' ')} only lists`.trim())];
  return [approval('git-write', `git ${sub} changes the repository or talks to a remote`)];
}
