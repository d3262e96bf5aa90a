import { describe, expect, it } from 'vitest';
import { checkCommand } from '../../../runner/src/guard/check-command.ts';

const options = { root: '/srv/repo', platform: 'linux' as const, realpath: false };

describe('parsed form and approval binding', () => {
  it('obfuscated spellings share a parsed form but not an approval binding', () => {
    const plain = checkCommand('Remove-Item -Path ./x -Force', options);
    const variants = [
      'rm -Path ./x -Force',
      'REMOVE-ITEM -pa ./x -fo',
      'Remove-Item \u2013Path ./x \u2014Force:$true'.replace(':$true', ''),
      "& 'Remove-Item' -Path ./x -Force",
    ];
    for (const variant of variants) {
      const decision = checkCommand(variant, options);
      expect(decision.parsed_form_sha256, variant).toBe(plain.parsed_form_sha256);
      expect(decision.approval_binding_sha256, variant).not.toBe(plain.approval_binding_sha256);
    }
  });

  it('a different target changes the parsed form', () => {
    const a = checkCommand('Remove-Item ./x', options);
    const b = checkCommand('Remove-Item ./y', options);
    expect(a.parsed_form_sha256).not.toBe(b.parsed_form_sha256);
  });

  it('the same text gives the same binding every time', () => {
    expect(checkCommand('git push', options).approval_binding_sha256).toBe(
      checkCommand('git push', options).approval_binding_sha256,
    );
    expect(checkCommand('git push', options).approval_binding_sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
