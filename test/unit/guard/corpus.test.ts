import { describe, expect, it } from 'vitest';
import { checkCommand } from '../../../runner/src/guard/check-command.ts';
import { ENVIRONMENTS, loadCorpus } from './corpus-helpers.ts';

const dangerous = loadCorpus('dangerous');
const benign = loadCorpus('benign');
const safe = loadCorpus('safe');

describe('guard corpus (TypeScript front end)', () => {
  it('has the sizes the issue asks for', () => {
    expect(dangerous.length).toBeGreaterThanOrEqual(60);
    expect(benign.length).toBeGreaterThanOrEqual(30);
    expect(safe.length).toBeGreaterThanOrEqual(20);
  });

  for (const { label, options } of ENVIRONMENTS) {
    it.each(dangerous)(`${label}: dangerous is never allowed: %s`, (command) => {
      const decision = checkCommand(command, options);
      expect(decision.verdict, `${decision.rule}: ${decision.reason}`).not.toBe('allow');
    });
    it.each(benign)(`${label}: look-alike is not denied: %s`, (command) => {
      const decision = checkCommand(command, options);
      expect(decision.verdict, `${decision.rule}: ${decision.reason}`).not.toBe('deny');
    });
    it.each(safe)(`${label}: safe is allowed: %s`, (command) => {
      const decision = checkCommand(command, options);
      expect(decision.verdict, `${decision.rule}: ${decision.reason}`).toBe('allow');
    });
  }
});
