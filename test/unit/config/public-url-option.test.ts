// KO_PUBLIC_URL: the base of the links KO posts (a cut /ko exec reply links the job's output).
import { describe, expect, it } from 'vitest';
import { KoError } from '../../../contracts/errors.ts';
import { readEnvOptions } from '../../../src/config/read-env-options.ts';

describe('KO_PUBLIC_URL', () => {
  it.each([
    { input: undefined, expected: undefined },
    { input: '', expected: undefined },
    { input: 'https://ko.example.com', expected: 'https://ko.example.com' },
    { input: 'https://ko.example.com/', expected: 'https://ko.example.com' },
    { input: ' http://10.0.0.5:3000/ko-app// ', expected: 'http://10.0.0.5:3000/ko-app' },
  ])('$input reads as $expected', ({ input, expected }) => {
    const env = input === undefined ? {} : { KO_PUBLIC_URL: input };
    expect(readEnvOptions(env, '/tmp').publicUrl).toBe(expected);
  });

  it.each([
    'ko.example.com',
    'ftp://ko.example.com',
    'https://ko.example.com/?a=1',
    'https://x/#y',
  ])('refuses %s, naming the variable', (input) => {
    let error: unknown;
    try {
      readEnvOptions({ KO_PUBLIC_URL: input }, '/tmp');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(KoError);
    expect((error as KoError).code).toBe('CONFIG_INVALID');
    expect((error as KoError).details).toEqual({ variable: 'KO_PUBLIC_URL' });
  });
});
