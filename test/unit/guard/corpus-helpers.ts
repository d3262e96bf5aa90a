import { readFileSync } from 'node:fs';
import type { GuardOptions } from '../../../runner/src/guard/check-command.ts';

/** The commands of one corpus file in test/fixtures/guard (comments and blank lines dropped). */
export function loadCorpus(name: 'dangerous' | 'benign' | 'safe'): string[] {
  const text = readFileSync(new URL(`../../fixtures/guard/${name}.txt`, import.meta.url), 'utf8');
  return text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

/** The two path worlds the corpus is judged in (pure: no disk). */
export const ENVIRONMENTS: { label: string; options: GuardOptions }[] = [
  { label: 'linux', options: { root: '/srv/repo', platform: 'linux', realpath: false } },
  { label: 'win32', options: { root: 'C:\\repo', platform: 'win32', realpath: false } },
];
