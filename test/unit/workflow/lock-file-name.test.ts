import { describe, expect, it } from 'vitest';
import { lockDirFor, lockFileName } from '../../../src/workflow/file-keyed-mutex.ts';

describe('lockFileName', () => {
  it.each([
    { input: 'acme/app#12', slug: 'acme-app-12' },
    { input: 'Acme/App#12', slug: 'acme-app-12' },
    { input: 'acme/app#run:wf-1', slug: 'acme-app-run-wf-1' },
    { input: 'synthetic acme/app', slug: 'synthetic-acme-app' },
    { input: '../../etc/passwd', slug: 'etc-passwd' },
    { input: '#', slug: 'key' },
    { input: 'ü/😀#1', slug: '1' },
    { input: `o/${'r'.repeat(100)}#1`, slug: `o-${'r'.repeat(46)}` },
  ])('$input → $slug-<hash>', ({ input, slug }) => {
    const name = lockFileName(input);
    expect(name).toMatch(/^[a-z0-9-]+-[0-9a-f]{16}$/);
    expect(name.slice(0, -17)).toBe(slug);
    expect(name.length).toBeLessThanOrEqual(65);
  });

  it('keys that share a slug still get their own file (case, punctuation)', () => {
    const names = ['acme/app#12', 'Acme/App#12', 'acme-app-12', 'acme/app/12'].map(lockFileName);
    expect(new Set(names).size).toBe(4);
  });

  it('puts each family of locks next to the store', () => {
    expect(lockDirFor('/var/lib/ko/experience.json', 'pr')).toBe('/var/lib/ko/locks/pr');
  });
});
