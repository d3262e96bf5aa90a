// LOG_LEVEL read alone (ko store restore and other commands that need no app options).
import { describe, expect, it } from 'vitest';
import { readEnvOptions, readLogLevel } from '../../../src/config/read-env-options.ts';

describe('readLogLevel', () => {
  it.each([
    { env: {}, fallback: 'warn' as const, expected: 'warn' },
    { env: { LOG_LEVEL: '' }, fallback: 'warn' as const, expected: 'warn' },
    { env: { LOG_LEVEL: 'DEBUG' }, fallback: 'warn' as const, expected: 'debug' },
    { env: { LOG_LEVEL: 'silent' }, fallback: 'info' as const, expected: 'silent' },
    // The old undocumented name is not read: one variable, documented in one place.
    { env: { KO_LOG_LEVEL: 'debug' }, fallback: 'warn' as const, expected: 'warn' },
  ])('$env with fallback $fallback → $expected', ({ env, fallback, expected }) => {
    expect(readLogLevel(env, fallback)).toBe(expected);
  });

  it('is what the app options use, and refuses a bad value naming LOG_LEVEL', () => {
    expect(readEnvOptions({ LOG_LEVEL: 'error' }, '/tmp').logLevel).toBe(
      readLogLevel({ LOG_LEVEL: 'error' }),
    );
    expect(() => readLogLevel({ LOG_LEVEL: 'loud' }, 'warn')).toThrow(/LOG_LEVEL must be one of/);
  });
});
