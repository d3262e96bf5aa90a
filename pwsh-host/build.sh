#!/usr/bin/env bash
# Builds KO's PowerShell 7 test engine (a console host around Microsoft.PowerShell.SDK 7.6.9) into
# pwsh-host/out/ and writes pwsh-host/out/pwsh, a launcher that takes pwsh's usual arguments.
#
# Idempotent: skips when out/ was built from the same inputs. Needs the .NET 10 SDK and NuGet.
#   bash pwsh-host/build.sh          # build if needed
#   bash pwsh-host/build.sh --force  # rebuild
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/out"
want_version="7.6.9"

fail() {
  echo "pwsh-host/build.sh: error: $1" >&2
  [ $# -ge 2 ] && echo "  hint: $2" >&2
  exit 1
}

# One build at a time (CI and engineers may start this concurrently); the script itself is the lock.
exec 9<"${BASH_SOURCE[0]}"
command -v flock >/dev/null 2>&1 && flock 9

command -v dotnet >/dev/null 2>&1 ||
  fail "the .NET SDK (dotnet) is not on PATH" "install the .NET 10 SDK (PowerShell 7.6 targets net10.0)"
sdk_version="$(dotnet --version 2>/dev/null)" ||
  fail "'dotnet --version' failed; a .NET runtime is there but no SDK" "install the .NET 10 SDK"
case "$sdk_version" in
  10.*) ;;
  *) fail "found .NET SDK $sdk_version; PowerShell $want_version needs .NET 10 (net10.0)" "install the .NET 10 SDK" ;;
esac

# What the output depends on; a change in any of these rebuilds.
stamp="$(cat "$here/KoPwshHost.csproj" "$here/Program.cs" "$here/build.sh" <(echo "$sdk_version") | sha256sum | cut -d' ' -f1)"

if [ "${1:-}" != "--force" ] && [ -x "$out/pwsh" ] && [ "$(cat "$out/.build-stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "pwsh-host: up to date ($out/pwsh)"
  exit 0
fi

started=$SECONDS
logs="$here/obj"
staging="$here/obj/out.staging"
mkdir -p "$logs"
rm -rf "$staging"

echo "pwsh-host: restoring Microsoft.PowerShell.SDK $want_version from NuGet"
if ! dotnet restore "$here/KoPwshHost.csproj" --nologo >"$logs/restore.log" 2>&1; then
  cat "$logs/restore.log" >&2
  fail "NuGet restore failed (log above)" "check that https://api.nuget.org/v3/index.json is reachable and serves Microsoft.PowerShell.SDK $want_version"
fi
rm -f "$logs/restore.log"

echo "pwsh-host: publishing (Release)"
if ! dotnet publish "$here/KoPwshHost.csproj" -c Release --no-restore --nologo -o "$staging" \
  -p:DebugType=None -p:DebugSymbols=false >"$logs/publish.log" 2>&1; then
  cat "$logs/publish.log" >&2
  fail "dotnet publish failed (log above)"
fi
rm -f "$logs/publish.log"

# Keep it lean: the engine picks its runtime-specific files by RID at run time, so the other
# platforms' native files and Windows-only modules are dead weight on this machine.
case "$(uname -s)" in
  Linux)
    for dir in "$staging"/runtimes/*; do
      case "$(basename "$dir")" in
        unix | linux | linux-x64 | linux-arm64 | linux-musl-x64 | linux-musl-arm64) ;;
        *) rm -rf "$dir" ;;
      esac
    done
    ;;
esac

# The launcher: exec keeps the pid, so signals and process-group kills reach the engine itself.
cat >"$staging/pwsh" <<'LAUNCHER'
#!/bin/sh
# PowerShell 7 (Microsoft.PowerShell.SDK) console host built by pwsh-host/build.sh.
here="$(cd "$(dirname "$0")" && pwd)"
: "${POWERSHELL_TELEMETRY_OPTOUT:=1}"
: "${POWERSHELL_UPDATECHECK:=Off}"
export POWERSHELL_TELEMETRY_OPTOUT POWERSHELL_UPDATECHECK
if [ -x "$here/KoPwshHost" ]; then
  exec "$here/KoPwshHost" "$@"
fi
exec dotnet "$here/KoPwshHost.dll" "$@"
LAUNCHER
chmod +x "$staging/pwsh"

echo "pwsh-host: smoke test"
got="$("$staging/pwsh" -NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command \
  '$PSVersionTable.PSVersion.ToString(); (Get-ChildItem -LiteralPath $PSHOME -Filter *.dll | Measure-Object).Count -gt 0; @{ ok = $true } | ConvertTo-Json -Compress; exit 3' 2>&1)" && rc=0 || rc=$?
expected="$(printf '%s\n%s\n%s' "$want_version" "True" '{"ok":true}')"
if [ "$rc" != 3 ] || [ "$got" != "$expected" ]; then
  echo "$got" >&2
  fail "the built engine did not pass its smoke test (exit $rc, output above)"
fi

echo "$stamp" >"$staging/.build-stamp"
rm -rf "$out"
mv "$staging" "$out"
echo "pwsh-host: built PowerShell $want_version at $out/pwsh ($(du -sh "$out" | cut -f1), $((SECONDS - started)) s)"
