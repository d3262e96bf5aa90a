import { describe, expect, it } from 'vitest';
import {
  buildJobEnv,
  DEFAULT_PASS_ENV,
  isNeverPassed,
} from '../../../runner/src/executor/job-env.ts';

const runnerEnv: NodeJS.ProcessEnv = {
  PATH: '/usr/bin',
  HOME: '/home/ko',
  LC_ALL: 'C.UTF-8',
  ProgramFiles: 'C:\\Program Files',
  'ProgramFiles(x86)': 'C:\\Program Files (x86)',
  DOTNET_ROOT: '/usr/share/dotnet',
  KO_RUNNER_TOKEN: 'kor_test',
  KO_PWSH: '/opt/pwsh',
  MY_SECRET: 's3cret',
  GITHUB_TOKEN: 'ghp_x',
  AWS_SECRET_ACCESS_KEY: 'aws',
  DB_PASSWORD: 'pw',
  SSH_KEY_PATH: '/k',
  HTTPS_PROXY: 'http://proxy:3128',
  GIT_AUTHOR_NAME: 'ko',
  GIT_ASKPASS_TOKEN: 'x',
  NODE_OPTIONS: '--inspect',
  UNSET: undefined,
};

describe('buildJobEnv', () => {
  it.each([
    {
      name: 'defaults only',
      passEnv: undefined,
      jobEnv: undefined,
      expected: {
        PATH: '/usr/bin',
        HOME: '/home/ko',
        LC_ALL: 'C.UTF-8',
        ProgramFiles: 'C:\\Program Files',
        'ProgramFiles(x86)': 'C:\\Program Files (x86)',
        DOTNET_ROOT: '/usr/share/dotnet',
      },
    },
    {
      name: 'passEnv names and prefixes',
      passEnv: ['HTTPS_PROXY', 'GIT_*'],
      jobEnv: undefined,
      expected: { HTTPS_PROXY: 'http://proxy:3128', GIT_AUTHOR_NAME: 'ko' },
    },
    {
      name: 'passEnv cannot open KO_* or secrets',
      passEnv: ['KO_*', 'MY_SECRET', '*'],
      jobEnv: undefined,
      expected: { NODE_OPTIONS: '--inspect' },
    },
    {
      name: 'the job env wins and is not filtered',
      passEnv: undefined,
      jobEnv: { PATH: '/job/bin', DEPLOY_TOKEN: 'job-owned' },
      expected: { PATH: '/job/bin', DEPLOY_TOKEN: 'job-owned' },
    },
  ])('$name', ({ passEnv, jobEnv, expected }) => {
    const env = buildJobEnv({ runnerEnv, passEnv, jobEnv, fixed: { NO_COLOR: '1' } });
    expect(env).toMatchObject({ ...expected, NO_COLOR: '1' });
    for (const name of [
      'KO_RUNNER_TOKEN',
      'KO_PWSH',
      'MY_SECRET',
      'GITHUB_TOKEN',
      'AWS_SECRET_ACCESS_KEY',
      'DB_PASSWORD',
      'SSH_KEY_PATH',
      'GIT_ASKPASS_TOKEN',
    ])
      if (!(jobEnv && name in jobEnv)) expect(env).not.toHaveProperty(name);
    expect(env).not.toHaveProperty('UNSET');
  });

  it('matches names case-insensitively (Windows spells Path)', () => {
    expect(buildJobEnv({ runnerEnv: { Path: 'C:\\Windows', windir: 'C:\\Windows' } })).toEqual({
      Path: 'C:\\Windows',
      windir: 'C:\\Windows',
    });
  });

  it('passes nothing it was not told to', () => {
    expect(buildJobEnv({ runnerEnv: { NODE_OPTIONS: '--inspect', EDITOR: 'vi' } })).toEqual({});
  });
});

describe('isNeverPassed', () => {
  it.each([
    ['KO_RUNNER_TOKEN', true],
    ['ko_data_dir', true],
    ['MY_SECRET', true],
    ['npm_config__authToken', true],
    ['PGPASSWORD', true],
    ['API_KEY', true],
    ['PATH', false],
    ['KOBONG', false],
  ])('%s → %s', (name, expected) => expect(isNeverPassed(name)).toBe(expected));

  it('keeps every default name passable', () => {
    expect(DEFAULT_PASS_ENV.filter((name) => isNeverPassed(name.replace('*', '')))).toEqual([]);
  });
});
