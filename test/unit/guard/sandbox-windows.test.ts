import { describe, expect, it } from 'vitest';
import { resolveInsideRoot } from '../../../runner/src/sandbox/resolve-inside-root.ts';

const root = 'C:\\Repo';
const win = { platform: 'win32' as const, realpath: false };

describe('sandbox, Windows rules (pure)', () => {
  it.each([
    { candidate: 'src\\main.ts', resolved: 'C:\\Repo\\src\\main.ts' },
    { candidate: 'src/main.ts', resolved: 'C:\\Repo\\src\\main.ts' },
    { candidate: 'c:\\repo\\SRC', resolved: 'c:\\repo\\SRC' },
    { candidate: 'C:\\REPO', resolved: 'C:\\REPO' },
    { candidate: 'a\\..\\b', resolved: 'C:\\Repo\\b' },
    { candidate: 'file.txt.', resolved: 'C:\\Repo\\file.txt' },
    { candidate: 'file.txt . .', resolved: 'C:\\Repo\\file.txt' },
    { candidate: 'C:src', resolved: 'C:\\Repo\\src' },
    { candidate: '\\\\?\\C:\\Repo\\x', resolved: 'C:\\Repo\\x' },
    { candidate: 'FileSystem::C:\\Repo\\x', resolved: 'C:\\Repo\\x' },
    { candidate: 'console.log', resolved: 'C:\\Repo\\console.log' },
    { candidate: 'nullable.txt', resolved: 'C:\\Repo\\nullable.txt' },
  ])('$candidate stays inside', ({ candidate, resolved }) => {
    expect(resolveInsideRoot(root, candidate, win)).toEqual({ inside: true, resolved });
  });

  it.each([
    { candidate: '..\\outside', code: 'OUTSIDE_ROOT' },
    { candidate: 'C:\\Repo2\\x', code: 'OUTSIDE_ROOT' },
    { candidate: 'C:\\Repo\\..\\Windows', code: 'OUTSIDE_ROOT' },
    { candidate: '\\Windows\\win.ini', code: 'OUTSIDE_ROOT' },
    { candidate: 'D:\\data', code: 'OUTSIDE_ROOT' },
    { candidate: 'D:data', code: 'DRIVE_RELATIVE' },
    { candidate: '\\\\server\\share\\x', code: 'UNC_PATH' },
    { candidate: '\\\\?\\UNC\\server\\share\\x', code: 'UNC_PATH' },
    { candidate: '//server/share/x', code: 'UNC_PATH' },
    { candidate: '\\\\server', code: 'UNC_PATH' },
    { candidate: '\\\\.\\PhysicalDrive0', code: 'DEVICE_NAMESPACE' },
    { candidate: '\\\\?\\GLOBALROOT\\Device\\HarddiskVolume1', code: 'DEVICE_NAMESPACE' },
    { candidate: '\\??\\C:\\x', code: 'DEVICE_NAMESPACE' },
    { candidate: '\\\\?\\C:\\Repo\\..\\x', code: 'AMBIGUOUS_SEGMENT' },
    { candidate: '\\\\?\\C:\\Repo\\x.', code: 'AMBIGUOUS_SEGMENT' },
    { candidate: 'CON', code: 'DEVICE_NAME' },
    { candidate: 'nul.txt', code: 'DEVICE_NAME' },
    { candidate: 'sub\\COM1', code: 'DEVICE_NAME' },
    { candidate: 'LPT\u00b9.log', code: 'DEVICE_NAME' },
    { candidate: 'aux .txt', code: 'DEVICE_NAME' },
    { candidate: 'CONIN$', code: 'DEVICE_NAME' },
    { candidate: 'file.txt:hidden', code: 'ALTERNATE_DATA_STREAM' },
    { candidate: 'file.txt::$DATA', code: 'ALTERNATE_DATA_STREAM' },
    { candidate: '...', code: 'AMBIGUOUS_SEGMENT' },
    { candidate: 'a\\.. \\x', code: 'AMBIGUOUS_SEGMENT' },
    { candidate: 'PROGRA~1\\x', code: 'SHORT_NAME_UNRESOLVED' },
    { candidate: 'HKLM:\\Software', code: 'PROVIDER_PATH' },
    { candidate: 'Registry::HKEY_LOCAL_MACHINE\\X', code: 'PROVIDER_PATH' },
    { candidate: 'Env:PATH', code: 'PROVIDER_PATH' },
    { candidate: 'a\u0000b', code: 'NUL_BYTE' },
    { candidate: '', code: 'EMPTY_PATH' },
  ])('$candidate is refused ($code)', ({ candidate, code }) => {
    expect(resolveInsideRoot(root, candidate, win)).toMatchObject({ inside: false, code });
  });

  it('resolves a relative path against the given cwd', () => {
    expect(resolveInsideRoot(root, '..\\x', { ...win, cwd: 'C:\\Repo\\sub' })).toEqual({
      inside: true,
      resolved: 'C:\\Repo\\x',
    });
  });

  it('accepts a UNC root and compares shares case-insensitively', () => {
    expect(resolveInsideRoot('\\\\srv\\share\\repo', '\\\\SRV\\Share\\repo\\x', win)).toMatchObject(
      { inside: true },
    );
    expect(resolveInsideRoot('\\\\srv\\share\\repo', '\\\\srv\\other\\x', win)).toMatchObject({
      inside: false,
      code: 'UNC_PATH',
    });
  });

  it('refuses a relative root', () => {
    expect(() => resolveInsideRoot('repo', 'x', win)).toThrow(/not an absolute path/);
  });
});

describe('sandbox, POSIX rules without the disk', () => {
  const posix = { platform: 'linux' as const, realpath: false, home: '/home/u' };
  it.each([
    { candidate: 'src/a.ts', inside: true },
    { candidate: './a/../b', inside: true },
    { candidate: '/srv/repo/x', inside: true },
    { candidate: '../x', inside: false },
    { candidate: '/srv/repository', inside: false },
    { candidate: '/etc/passwd', inside: false },
    { candidate: '~/.ssh/id_rsa', inside: false },
    { candidate: 'SRC/../../x', inside: false },
  ])('$candidate inside=$inside', ({ candidate, inside }) => {
    expect(resolveInsideRoot('/srv/repo', candidate, posix).inside).toBe(inside);
  });

  it('is case-sensitive on Linux', () => {
    expect(resolveInsideRoot('/srv/repo', '/SRV/repo/x', posix).inside).toBe(false);
  });
});

describe('PowerShell wildcards', () => {
  it.each([
    { pattern: '*.ts', name: 'a.TS', match: true },
    { pattern: 'a?c', name: 'abc', match: true },
    { pattern: '[ab]x', name: 'bx', match: true },
    { pattern: '[a-c]x', name: 'dx', match: false },
    { pattern: 'a.b', name: 'axb', match: false },
    { pattern: '(x)*', name: '(x)1', match: true },
  ])('$pattern vs $name', async ({ pattern, name, match }) => {
    const { wildcardToRegExp } = await import('../../../runner/src/sandbox/expand-wildcards.ts');
    expect(wildcardToRegExp(pattern, false).test(name)).toBe(match);
  });
});
