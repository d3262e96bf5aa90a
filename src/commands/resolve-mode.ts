import type { Mode } from './parse-command.ts';

export interface ModeInputs {
  /** `--apply` / `--dry-run` from the comment, if any. */
  requested?: Mode;
  /** `mode` from the repo config read from the default branch. */
  configMode: Mode;
  /** True when the PR carries the dry-run label (ko:dry-run by default). */
  dryRunLabel: boolean;
}

export interface ResolvedMode {
  mode: Mode;
  /** One sentence for the reply, e.g. "dry-run: the PR has the ko:dry-run label". */
  reason: string;
}

/**
 * The mode a command runs in. The label wins over everything (it forces dry-run for the PR), then
 * the comment's option, then the repo config.
 *
 * @example resolveMode({ requested: 'apply', configMode: 'dry-run', dryRunLabel: false }).mode; // 'apply'
 */
export function resolveMode(inputs: ModeInputs): ResolvedMode {
  if (inputs.dryRunLabel) {
    const ignored = inputs.requested === 'apply' ? ' (`--apply` was ignored)' : '';
    return { mode: 'dry-run', reason: `dry-run: the PR has the dry-run label${ignored}` };
  }
  if (inputs.requested !== undefined) {
    return {
      mode: inputs.requested,
      reason: `${inputs.requested}: asked for with --${inputs.requested}`,
    };
  }
  return { mode: inputs.configMode, reason: `${inputs.configMode}: the repository's default mode` };
}
