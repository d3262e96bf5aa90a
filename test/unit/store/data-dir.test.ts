import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataDir } from '../../../src/store/data-dir.ts';

describe('resolveDataDir', () => {
  it.each([
    { flag: undefined, env: {}, expected: resolve('.ko') },
    { flag: undefined, env: { KO_DATA_DIR: '' }, expected: resolve('.ko') },
    { flag: undefined, env: { KO_DATA_DIR: '/var/lib/ko' }, expected: resolve('/var/lib/ko') },
    { flag: 'here', env: { KO_DATA_DIR: '/var/lib/ko' }, expected: resolve('here') },
  ])('flag $flag, env $env → $expected', ({ flag, env, expected }) => {
    expect(resolveDataDir(flag, env)).toBe(expected);
  });
});
