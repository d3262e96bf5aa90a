import type { ConfigIssue } from './types.ts';

export interface FormatOptions {
  /** Where the file was read, default `.github/ko.yml`. */
  path?: string;
  /** The branch it was read from (the default branch), e.g. `main`. */
  ref?: string;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/**
 * A Markdown PR comment that lists what is wrong with the repo config and how to fix each thing.
 *
 * @example formatRepoConfigIssues([{ field: 'mode', line: 1, problem: 'must be one of `dry-run`, `apply`', fix: 'Pick one of them.' }]);
 */
export function formatRepoConfigIssues(
  issues: readonly ConfigIssue[],
  options: FormatOptions = {},
): string {
  const path = options.path ?? '.github/ko.yml';
  const where = options.ref === undefined ? `\`${path}\`` : `\`${path}\` on \`${options.ref}\``;
  const count = `${issues.length} problem${issues.length === 1 ? '' : 's'}`;
  const rows = issues.map(
    (issue) =>
      `| ${issue.field === '' ? '(file)' : `\`${cell(issue.field)}\``} | ${issue.line ?? ''} | ${cell(issue.problem)} | ${cell(issue.fix)} |`,
  );
  return [
    `### ⚠️ KO cannot use ${where}`,
    '',
    `KO found ${count} in its configuration. Until the file is fixed on the default branch, KO will not merge, run or approve anything in this repository; \`/ko help\` and \`/ko status\` still work.`,
    '',
    '| Option | Line | Problem | What to do |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    'The options and their defaults are described in `docs/configuration.md`.',
  ].join('\n');
}
