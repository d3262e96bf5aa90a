import { describe, expect, it } from 'vitest';
import { execApprovalTarget } from '../../../src/commands/dispatch/exec-approval-target.ts';

const BINDING = 'a'.repeat(64);
const HEAD = '1'.repeat(40);

describe('execApprovalTarget', () => {
  it.each([
    { name: 'another head', binding: BINDING, head: '2'.repeat(40) },
    { name: 'another command', binding: 'b'.repeat(64), head: HEAD },
  ])('changes with $name', ({ binding, head }) => {
    expect(execApprovalTarget(binding, head)).not.toBe(execApprovalTarget(BINDING, HEAD));
  });

  it('is stable and a lowercase sha256, as the approval queue wants for exec', () => {
    expect(execApprovalTarget(BINDING, HEAD)).toBe(execApprovalTarget(BINDING, HEAD));
    expect(execApprovalTarget(BINDING, HEAD)).toMatch(/^[0-9a-f]{64}$/);
  });
});
