import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The PowerShell 7 engine for tests: $KO_PWSH, else the one pwsh-host/build.sh builds. Missing
 * means the test fails loudly (the issue: tests that need PowerShell never skip quietly).
 */
export function pwshForTests(): string {
  const candidate =
    process.env.KO_PWSH ?? fileURLToPath(new URL('../../../pwsh-host/out/pwsh', import.meta.url));
  if (!existsSync(candidate)) {
    throw new Error(
      `PowerShell 7 not found at ${candidate}: run bash pwsh-host/build.sh or set KO_PWSH`,
    );
  }
  return candidate;
}
