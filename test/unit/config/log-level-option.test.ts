// LOG_LEVEL read alone (ko store restore and other commands that need no app options).
import type { LevelWithSilent } from 'pino';
import { describe, expect, it } from 'vitest';
import { readEnvOptions, readLogLevel } from '../../../src/config/read-env-options.ts';

describe('readLogLevel', () => {
  // Plain records: Probot's types narrow LOG_LEVEL in NodeJS.ProcessEnv, and bad values must be expressible.
  const cases: { env: Record<string, string>; fallback: LevelWithSilent; expected: string }[] = [
    { env: {}, fallback: 'warn', expected: 'warn' },
    { env: { LOG_LEVEL: '' }, fallback: 'warn', expected: 'warn' },
    { env: { LOG_LEVEL: 'DEBUG' }, fallback: 'warn', expected: 'debug' },
    { env: { LOG_LEVEL: 'silent' }, fallback: 'info', expected: 'silent' },
    // The old undocumented name is not read: one variable, documented in one place.
    { env: { KO_LOG_LEVEL: 'debug' }, fallback: 'warn', expected: 'warn' },
  ];
  it.each(cases)('$env with fallback $fallback → $expected', ({ env, fallback, expected }) => {
    expect(readLogLevel(env, fallback)).toBe(expected);
  });

  it('is what the app options use, and refuses a bad value naming LOG_LEVEL', () => {
    expect(readEnvOptions({ LOG_LEVEL: 'error' }, '/tmp').logLevel).toBe(
      readLogLevel({ LOG_LEVEL: 'error' }),
    );
    const loud: Record<string, string> = { LOG_LEVEL: 'loud' };
    expect(() => readLogLevel(loud, 'warn')).toThrow(/LOG_LEVEL must be one of/);
  });
});
