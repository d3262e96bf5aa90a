import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const manifest = parse(
  readFileSync(new URL('../../../app.yml', import.meta.url), 'utf8'),
) as Record<string, unknown>;

describe('app.yml (the GitHub App manifest)', () => {
  it('asks for exactly the least permissions the mission needs', () => {
    expect(manifest['default_permissions']).toEqual({
      contents: 'write',
      pull_requests: 'write',
      checks: 'write',
      issues: 'write',
      metadata: 'read',
      statuses: 'read',
    });
  });

  it('subscribes to exactly the events KO handles', () => {
    expect([...(manifest['default_events'] as string[])].sort()).toEqual(
      [
        'check_run',
        'check_suite',
        'installation',
        'issue_comment',
        'label',
        'pull_request',
        'push',
      ].sort(),
    );
  });

  it('has a name, url, description and a webhook url placeholder', () => {
    expect(manifest).toMatchObject({
      name: expect.any(String),
      url: expect.stringMatching(/^https:\/\//),
      description: expect.any(String),
    });
    expect(manifest['hook_attributes']).toMatchObject({
      url: expect.stringMatching(/^https:\/\//),
    });
  });
});
