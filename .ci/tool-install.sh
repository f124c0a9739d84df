#!/usr/bin/env bash
# Packs Haul, installs the packed `haul` tool into a temporary tool path the way the README says,
# and checks that it runs: `haul --version` names this commit, `haul demo` finishes with exit 0.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

rm -rf artifacts
dotnet pack Haul.slnx -c Release -o artifacts
ls -l artifacts

# NuGet caches a package by id and version: drop an older build of this one so the fresh one installs.
rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/haul"

started=$(date +%s%N)
dotnet tool install --tool-path "$work/tools" --add-source ./artifacts haul
version="$("$work/tools/haul" --version)"
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
echo "$version (install and first run: ${elapsed_ms} ms)"

commit="$(git rev-parse --short=12 HEAD 2>/dev/null || true)"
if [[ -n "$commit" && "$version" != *"(commit $commit)"* ]]; then
  echo "tool-install: the installed haul says '$version', expected commit $commit" >&2
  exit 1
fi

"$work/tools/haul" demo -d "$work/demo" --progress plain </dev/null
echo "tool-install: haul installed from ./artifacts, --version and demo ran"
