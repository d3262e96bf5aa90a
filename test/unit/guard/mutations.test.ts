import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCommand } from '../../../runner/src/guard/check-command.ts';
import { ENVIRONMENTS, loadCorpus } from './corpus-helpers.ts';
import { MUTATIONS } from './mutations.ts';

const dangerous = loadCorpus('dangerous');

describe('mutations of dangerous commands never become allowed', () => {
  for (const { label, options } of ENVIRONMENTS) {
    it.each(MUTATIONS.map((m) => [m.name, m] as const))(`${label}: %s`, (_name, mutation) => {
      const allowed = dangerous
        .map((command) => ({ command, mutated: mutation.apply(command) }))
        .map((c) => ({ ...c, decision: checkCommand(c.mutated, options) }))
        .filter((c) => c.decision.verdict === 'allow')
        .map(
          (c) =>
            `${JSON.stringify(c.command)} -> ${JSON.stringify(c.mutated)} (${c.decision.rule})`,
        );
      expect(allowed).toEqual([]);
    });
  }

  it('random stacks of mutations never become allowed', () => {
    const { options } = ENVIRONMENTS[1] as (typeof ENVIRONMENTS)[number];
    fc.assert(
      fc.property(
        fc.constantFrom(...dangerous),
        fc.array(fc.integer({ min: 0, max: MUTATIONS.length - 1 }), { minLength: 1, maxLength: 4 }),
        (command, picks) => {
          const mutated = picks.reduce(
            (text, i) => (MUTATIONS[i] as (typeof MUTATIONS)[number]).apply(text),
            command,
          );
          expect(checkCommand(mutated, options).verdict, mutated).not.toBe('allow');
        },
      ),
      { numRuns: 400, seed: 4242 },
    );
  });

  it('the mutations really change the text (the test can fail)', () => {
    const sample = 'Remove-Item -Recurse -Force ./src';
    for (const mutation of MUTATIONS)
      expect(mutation.apply(sample), mutation.name).not.toBe(sample);
  });
});
