#!/usr/bin/env node
// The `ko` CLI. Runs the TypeScript sources through tsx (see docs/ADR/0001).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
