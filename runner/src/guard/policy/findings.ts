import type { Finding } from './verdict.ts';

export function deny(rule: string, reason: string): Finding {
  return { verdict: 'deny', rule, reason };
}

export function approval(rule: string, reason: string): Finding {
  return { verdict: 'approval', rule, reason };
}

export function allow(rule: string, reason: string): Finding {
  return { verdict: 'allow', rule, reason };
}
