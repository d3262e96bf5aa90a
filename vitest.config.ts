import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests spawn real processes (PowerShell 7, the CLI, servers); a shared 2-core
    // CI machine needs generous limits. Speed targets live in `npm run bench`, not here.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: true,
  },
});
