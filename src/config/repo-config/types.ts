// Mirrors contracts/repo-config/ko-config.schema.json (the source of truth, with descriptions and
// defaults); a unit test checks that the defaults of the schema fill exactly these fields.

export type RepoMode = 'dry-run' | 'apply';
export type MergeMethod = 'squash' | 'merge' | 'rebase';

/** `.github/ko.yml` after validation, every default filled in. */
export interface KoRepoConfig {
  mode: RepoMode;
  approval: { required: boolean; auto_approve_synthetic: boolean; expiry_minutes: number };
  checks: { required: string[]; timeout_minutes: number };
  merge: { method: MergeMethod };
  synthetic: { enabled: boolean; cron: string; file: string };
  labels: { merge: string; dry_run: string };
  exec: { allowed_runner_labels: string[] };
  comments: { max_parts: number };
  commands: { allowed_bots: string[] };
}

/** One thing wrong with the file, worded for the person who has to fix it. */
export interface ConfigIssue {
  /** Dotted path of the option, e.g. `approval.expiry_minutes`; '' for the whole file. */
  field: string;
  /** 1-based line in the file, when known. */
  line?: number;
  problem: string;
  fix: string;
}
