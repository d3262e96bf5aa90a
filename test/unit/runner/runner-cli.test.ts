import { describe, expect, it } from 'vitest';
import { parseRunnerCli } from '../../../runner/src/runner-cli.ts';

const base = ['node', 'ko-runner', '--server', 'ws://127.0.0.1:1/ko/v1/runners', '--root', '.'];

describe('ko-runner command line', () => {
  it.each([
    { args: [], expected: [] },
    { args: ['--pass-env', 'JAVA_HOME'], expected: ['JAVA_HOME'] },
    { args: ['--pass-env', 'JAVA_HOME, GOPATH,,'], expected: ['JAVA_HOME', 'GOPATH'] },
  ])('--pass-env $args gives $expected', ({ args, expected }) => {
    const options = parseRunnerCli([...base, '--token', 'kor_x', ...args], {});
    expect(options.passEnv).toEqual(expected);
  });

  it.each([
    { args: [], expected: 'both' },
    { args: ['--guard-engine', 'ts'], expected: 'ts' },
  ])(
    '--guard-engine $args gives $expected (PowerShell parser on by default)',
    ({ args, expected }) => {
      expect(parseRunnerCli([...base, '--token', 'kor_x', ...args], {}).guardEngine).toBe(expected);
    },
  );

  it('refuses an unknown guard engine', () => {
    expect(() =>
      parseRunnerCli([...base, '--token', 'kor_x', '--guard-engine', 'regex'], {}),
    ).toThrow();
  });

  it('takes the token from KO_RUNNER_TOKEN when --token is absent', () => {
    expect(parseRunnerCli(base, { KO_RUNNER_TOKEN: 'kor_env' }).token).toBe('kor_env');
  });

  it('refuses to start without a token, saying how to make one', () => {
    expect(() => parseRunnerCli(base, {})).toThrow(/ko runner token create/);
  });
});
