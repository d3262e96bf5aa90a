import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { PreconditionError } from '../../../contracts/errors.ts';
import {
  listSchemaOptions,
  REPO_CONFIG_SCHEMA,
} from '../../../src/config/repo-config/config-schema.ts';
import { formatRepoConfigIssues } from '../../../src/config/repo-config/format-config-issues.ts';
import {
  loadRepoConfig,
  parseRepoConfig,
} from '../../../src/config/repo-config/load-repo-config.ts';
import type { ConfigIssue, KoRepoConfig } from '../../../src/config/repo-config/types.ts';

const DEFAULTS: KoRepoConfig = {
  mode: 'dry-run',
  approval: { required: true, auto_approve_synthetic: false, expiry_minutes: 60 },
  checks: { required: [], timeout_minutes: 60 },
  merge: { method: 'squash' },
  synthetic: { enabled: false, cron: '*/10 * * * *', file: 'README.md' },
  labels: { merge: 'ko:merge', dry_run: 'ko:dry-run' },
  exec: { allowed_runner_labels: [] },
  comments: { max_parts: 5 },
  commands: { allowed_bots: [] },
};

describe('loadRepoConfig: defaults', () => {
  it.each([null, '', '\n', '# only a comment\n', '---\n', '{}', 'approval: {}\n'])(
    '%j gives the safe defaults',
    (text) => {
      expect(loadRepoConfig(text)).toEqual(DEFAULTS);
    },
  );

  it('returns a fresh object each time (defaults are never shared)', () => {
    const a = loadRepoConfig(null);
    a.checks.required.push('build');
    expect(loadRepoConfig(null).checks.required).toEqual([]);
  });

  it('has a description on every option and a valid default on every value', () => {
    const ajv = new Ajv({ strict: false });
    for (const { path, schema } of listSchemaOptions()) {
      expect(typeof schema.description, path).toBe('string');
      if (schema.type === 'object') continue;
      expect(schema.default, path).toBeDefined();
      expect(ajv.validate(schema, schema.default), path).toBe(true);
    }
    expect(REPO_CONFIG_SCHEMA.additionalProperties).toBe(false);
  });
});

describe('loadRepoConfig: valid files', () => {
  const cases: { text: string; expected: Partial<KoRepoConfig> }[] = [
    { text: 'mode: apply\n', expected: { mode: 'apply' } },
    {
      text: 'approval:\n  required: false\n',
      expected: { approval: { ...DEFAULTS.approval, required: false } },
    },
    {
      text: 'checks:\n  required: [build, "test (ubuntu)"]\n',
      expected: { checks: { ...DEFAULTS.checks, required: ['build', 'test (ubuntu)'] } },
    },
    { text: 'merge: { method: rebase }', expected: { merge: { method: 'rebase' } } },
    {
      text: 'synthetic:\n  enabled: true\n  cron: "0 * * * *"\n  file: docs/canary.md\n',
      expected: { synthetic: { enabled: true, cron: '0 * * * *', file: 'docs/canary.md' } },
    },
    {
      text: 'labels:\n  merge: "automerge"\n',
      expected: { labels: { merge: 'automerge', dry_run: 'ko:dry-run' } },
    },
    {
      text: 'exec:\n  allowed_runner_labels: [windows, build]\n',
      expected: { exec: { allowed_runner_labels: ['windows', 'build'] } },
    },
    { text: 'comments:\n  max_parts: 20\n', expected: { comments: { max_parts: 20 } } },
    {
      text: 'commands:\n  allowed_bots: ["renovate[bot]"]\n',
      expected: { commands: { allowed_bots: ['renovate[bot]'] } },
    },
    {
      text: 'mode: apply\r\napproval:\r\n  expiry_minutes: 5\r\n',
      expected: { mode: 'apply', approval: { ...DEFAULTS.approval, expiry_minutes: 5 } },
    },
  ];
  it.each(cases)('$text', ({ text, expected }) => {
    expect(loadRepoConfig(text)).toEqual({ ...DEFAULTS, ...expected });
  });
});

describe('loadRepoConfig: invalid files name the field and say what to do', () => {
  type IssueCase = Pick<ConfigIssue, 'field'> & { line?: number; problem: RegExp; fix: RegExp };
  const cases: { text: string; issue: IssueCase }[] = [
    {
      text: 'mdoe: apply\n',
      issue: {
        field: 'mdoe',
        line: 1,
        problem: /not a known option/,
        fix: /Did you mean `mode`/,
      },
    },
    {
      text: 'approval:\n  requird: false\n',
      issue: {
        field: 'approval.requird',
        line: 2,
        problem: /not a known option/,
        fix: /Did you mean `required`/,
      },
    },
    {
      text: 'approval:\n  whatever: 1\n',
      issue: {
        field: 'approval.whatever',
        line: 2,
        problem: /not a known option/,
        fix: /options here are: `required`, `auto_approve_synthetic`, `expiry_minutes`/,
      },
    },
    {
      text: 'mode: aply\n',
      issue: {
        field: 'mode',
        line: 1,
        problem: /one of `dry-run`, `apply`/,
        fix: /Did you mean `mode: "apply"`/,
      },
    },
    {
      text: 'mode: yolo\n',
      issue: { field: 'mode', line: 1, problem: /one of/, fix: /default is `mode: "dry-run"`/ },
    },
    { text: 'mode: true\n', issue: { field: 'mode', problem: /one of/, fix: /Pick one/ } },
    {
      text: 'approval:\n  required: "no"\n',
      issue: {
        field: 'approval.required',
        line: 2,
        problem: /must be a boolean/,
        fix: /Set it to a boolean.*default is `required: true`/,
      },
    },
    {
      text: 'approval:\n  expiry_minutes: 1\n',
      issue: {
        field: 'approval.expiry_minutes',
        line: 2,
        problem: /at least 5/,
        fix: /between 5 and 10080/,
      },
    },
    {
      text: 'approval:\n  expiry_minutes: 99999\n',
      issue: {
        field: 'approval.expiry_minutes',
        problem: /at most 10080/,
        fix: /between 5 and 10080/,
      },
    },
    {
      text: 'approval:\n  expiry_minutes: 1.5\n',
      issue: {
        field: 'approval.expiry_minutes',
        problem: /must be an integer/,
        fix: /Set it to an integer/,
      },
    },
    {
      text: 'approval: yes\n',
      issue: {
        field: 'approval',
        line: 1,
        problem: /must be a mapping of options/,
        fix: /mapping/,
      },
    },
    {
      text: 'checks:\n  required: build\n',
      issue: { field: 'checks.required', line: 2, problem: /must be an array/, fix: /array/ },
    },
    {
      text: 'checks:\n  required: [build, build]\n',
      issue: {
        field: 'checks.required',
        problem: /same entry twice/,
        fix: /Remove the duplicate/,
      },
    },
    {
      text: 'checks:\n  required: [build, ""]\n',
      issue: { field: 'checks.required[1]', line: 2, problem: /not valid/, fix: /check runs/ },
    },
    {
      text: 'merge:\n  method: sqash\n',
      issue: {
        field: 'merge.method',
        line: 2,
        problem: /one of/,
        fix: /Did you mean `method: "squash"`/,
      },
    },
    {
      text: 'synthetic:\n  file: ../secrets.txt\n',
      issue: {
        field: 'synthetic.file',
        line: 2,
        problem: /not valid/,
        fix: /relative to the repository root/,
      },
    },
    {
      text: 'synthetic:\n  file: .github/workflows/ci.yml\n',
      issue: { field: 'synthetic.file', problem: /not valid/, fix: /not under .github/ },
    },
    {
      text: 'synthetic:\n  file: /etc/passwd\n',
      issue: { field: 'synthetic.file', problem: /not valid/, fix: /relative/ },
    },
    {
      text: 'synthetic:\n  cron: "every 10 minutes"\n',
      issue: { field: 'synthetic.cron', line: 2, problem: /not valid/, fix: /five-field cron/ },
    },
    {
      text: 'synthetic:\n  cron: "61 * * * *"\n',
      issue: {
        field: 'synthetic.cron',
        line: 2,
        problem: /not a valid cron expression/,
        fix: /minute hour day month weekday/,
      },
    },
    {
      text: 'synthetic:\n  cron: "*/5 * * * * *"\n',
      issue: { field: 'synthetic.cron', problem: /not valid/, fix: /five-field/ },
    },
    {
      text: 'labels:\n  merge: ""\n',
      issue: { field: 'labels.merge', problem: /not valid/, fix: /Adding this label/ },
    },
    {
      text: 'comments:\n  max_parts: 0\n',
      issue: { field: 'comments.max_parts', problem: /at least 1/, fix: /between 1 and 20/ },
    },
    {
      text: 'commands:\n  allowed_bots: [renovate]\n',
      issue: {
        field: 'commands.allowed_bots[0]',
        problem: /not valid/,
        fix: /ending in `\[bot\]`/,
      },
    },
    {
      text: '- mode\n- apply\n',
      issue: { field: '', problem: /mapping of options/, fix: /key: value/ },
    },
    {
      text: 'just text\n',
      issue: { field: '', problem: /mapping of options/, fix: /key: value/ },
    },
    {
      text: 'mode: apply\nmode: dry-run\n',
      issue: { field: '', line: 2, problem: /not valid YAML/, fix: /YAML syntax/ },
    },
    {
      text: 'approval:\n\trequired: true\n',
      issue: { field: '', line: 2, problem: /not valid YAML/, fix: /indent with spaces/ },
    },
    {
      text: 'mode: [unclosed\n',
      issue: { field: '', problem: /not valid YAML/, fix: /YAML syntax/ },
    },
  ];
  it.each(cases)('$text', ({ text, issue }) => {
    const result = parseRepoConfig(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const found = result.issues.find((i) => i.field === issue.field);
    expect(found, JSON.stringify(result.issues)).toBeDefined();
    expect(found?.problem).toMatch(issue.problem);
    expect(found?.fix).toMatch(issue.fix);
    if (issue.line !== undefined) expect(found?.line).toBe(issue.line);
  });

  it('reports every problem at once', () => {
    const result = parseRepoConfig(
      'mdoe: apply\nmerge:\n  method: fast\ncomments:\n  max_parts: 99\n',
    );
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.issues.map((i) => i.field).sort()).toEqual([
        'comments.max_parts',
        'mdoe',
        'merge.method',
      ]);
  });

  it('refuses an alias bomb', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    const result = parseRepoConfig(bomb);
    expect(result.ok).toBe(false);
  });

  it('throws a PreconditionError carrying the issues', () => {
    let caught: unknown;
    try {
      loadRepoConfig('mode: yolo\n');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PreconditionError);
    expect(caught).toMatchObject({ code: 'REPO_CONFIG_INVALID', exitCode: 10 });
    expect((caught as PreconditionError).details?.issues).toHaveLength(1);
  });
});

describe('formatRepoConfigIssues', () => {
  it('builds a Markdown comment naming field, line, problem and fix', () => {
    const result = parseRepoConfig('mdoe: apply\nlabels:\n  merge: "a|b"\n  extra: 1\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const comment = formatRepoConfigIssues(result.issues, { ref: 'main' });
    expect(comment).toContain('### ⚠️ KO cannot use `.github/ko.yml` on `main`');
    expect(comment).toContain('KO found 2 problems');
    expect(comment).toContain(
      '| `mdoe` | 1 | is not a known option | Did you mean `mode`? Rename it, or remove it. |',
    );
    expect(comment).toContain('| `labels.extra` | 4 |');
    expect(comment).toContain('docs/configuration.md');
  });

  it('escapes table pipes and marks file-level problems', () => {
    const comment = formatRepoConfigIssues([{ field: '', problem: 'a | b', fix: 'x\ny' }]);
    expect(comment).toContain('| (file) |  | a \\| b | x y |');
    expect(comment).toContain('KO found 1 problem in');
  });
});
