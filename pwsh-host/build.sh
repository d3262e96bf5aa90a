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

# The runtime identifier to publish for (ReadyToRun code is per platform).
rid="$(dotnet --info 2>/dev/null | sed -n 's/^ *RID: *//p' | head -n 1)"
[ -n "$rid" ] || fail "could not read the runtime identifier (RID) from 'dotnet --info'"

# What the output depends on; a change in any of these rebuilds.
stamp="$(cat "$here/KoPwshHost.csproj" "$here/Program.cs" "$here/build.sh" <(echo "$sdk_version $rid") | sha256sum | cut -d' ' -f1)"

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
if ! dotnet restore "$here/KoPwshHost.csproj" -r "$rid" --nologo >"$logs/restore.log" 2>&1; then
  cat "$logs/restore.log" >&2
  fail "NuGet restore failed (log above)" "check that https://api.nuget.org/v3/index.json is reachable and serves Microsoft.PowerShell.SDK $want_version"
fi
rm -f "$logs/restore.log"

echo "pwsh-host: publishing for $rid (Release, ReadyToRun for the engine's hot assemblies)"
if ! dotnet publish "$here/KoPwshHost.csproj" -c Release --no-restore --nologo -o "$staging" \
  -r "$rid" >"$logs/publish.log" 2>&1; then
  cat "$logs/publish.log" >&2
  fail "dotnet publish failed (log above)"
fi
rm -f "$logs/publish.log"

# PSHOME is the folder of System.Management.Automation.dll; the package ships the built-in
# modules as content under runtimes/<os>/lib/net10.0/Modules, which a RID publish leaves there.
case "$rid" in
  win*) modules_os=win ;;
  *) modules_os=unix ;;
esac
modules="$staging/runtimes/$modules_os/lib/net10.0/Modules"
[ -f "$modules/Microsoft.PowerShell.Utility/Microsoft.PowerShell.Utility.psd1" ] ||
  fail "the published output has no built-in modules at $modules" "the Microsoft.PowerShell.SDK package layout may have changed; look at $staging/runtimes"
mv "$modules" "$staging/Modules"
rm -rf "$staging/runtimes"

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
# Swap rather than delete-then-move: someone may be starting pwsh from out/ right now.
rm -rf "$logs/out.old"
[ -d "$out" ] && mv "$out" "$logs/out.old"
mv "$staging" "$out"
rm -rf "$logs/out.old"
echo "pwsh-host: built PowerShell $want_version at $out/pwsh ($(du -sh "$out" | cut -f1), $((SECONDS - started)) s)"
