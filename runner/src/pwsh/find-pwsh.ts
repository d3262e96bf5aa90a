import { statSync, accessSync, constants } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PreconditionError } from '../../../contracts/errors.ts';

/** Where a PowerShell 7 executable was found, and which rule found it. */
interface PwshLocation {
  path: string;
  source: 'option' | 'env' | 'path' | 'project';
}

interface FindPwshOptions {
  /** An explicit executable (the runner's `--pwsh` setting); wins over everything else. */
  explicit?: string;
  /** Environment to read `KO_PWSH` and `PATH` from. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** The repository root holding `pwsh-host/out/`. Default: this checkout's root. */
  projectRoot?: string;
  /** Default: `process.platform`. */
  platform?: NodeJS.Platform;
}

const defaultProjectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const buildHint = 'run `bash pwsh-host/build.sh` (needs the .NET 10 SDK and NuGet)';

/**
 * Resolves the PowerShell 7 to run: explicit option → `KO_PWSH` → `pwsh` on PATH → the project's
 * test engine (`pwsh-host/out/pwsh`). An explicit setting that does not point at an executable is
 * an error, never a silent fallback.
 *
 * @example const { path } = findPwsh({ explicit: config.pwsh }); // '/usr/bin/pwsh'
 */
export function findPwsh(options: FindPwshOptions = {}): PwshLocation {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;

  if (options.explicit)
    return { path: requireExecutable(options.explicit, 'the pwsh option'), source: 'option' };
  const fromEnv = env.KO_PWSH;
  if (fromEnv) return { path: requireExecutable(fromEnv, 'KO_PWSH'), source: 'env' };

  const onPath = searchPath(
    platform === 'win32' ? ['pwsh.exe', 'pwsh.cmd'] : ['pwsh'],
    env.PATH ?? env.Path ?? '',
  );
  if (onPath) return { path: onPath, source: 'path' };

  const root = options.projectRoot ?? defaultProjectRoot;
  const projectHost = join(
    root,
    'pwsh-host',
    'out',
    platform === 'win32' ? 'KoPwshHost.exe' : 'pwsh',
  );
  if (isExecutableFile(projectHost)) return { path: projectHost, source: 'project' };

  throw new PreconditionError('PWSH_NOT_FOUND', 'PowerShell 7 (pwsh) was not found', {
    hint: `install PowerShell 7 and put pwsh on PATH, set KO_PWSH to its path, or ${buildHint} to get ${projectHost}`,
    details: { searched: ['option', 'KO_PWSH', 'PATH', projectHost] },
  });
}

function requireExecutable(candidate: string, setting: string): string {
  const full = resolve(candidate);
  if (isExecutableFile(full)) return full;
  throw new PreconditionError(
    'PWSH_NOT_EXECUTABLE',
    `${setting} points at ${full}, which is not an executable file`,
    {
      hint: `fix ${setting} to name PowerShell 7's pwsh, or unset it to search PATH`,
    },
  );
}

function searchPath(names: string[], pathValue: string): string | undefined {
  for (const dir of pathValue.split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue; // a relative PATH entry would depend on the cwd
    for (const name of names) {
      const candidate = join(dir, name);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
