#!/usr/bin/env bash
# Packs Haul and the platform-specific `haul` tool, installs the tool into a temporary tool path
# the way the README says, and checks that it runs: on linux-x64 the installed haul is the native
# (NativeAOT) binary, `haul --version` names this commit, `haul demo` finishes with exit 0.
# HAUL_TOOL_PATH: where to install it (default: a temporary folder removed on exit).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tools="${HAUL_TOOL_PATH:-$work/tools}"

rid="$(dotnet --info | sed -n 's/^ *RID: *//p' | head -n 1)"

# NativeAOT links with clang and zlib; install them when this machine lacks them and can.
if [[ "$rid" == linux-x64 ]] && { ! command -v clang >/dev/null 2>&1 || [[ ! -e /usr/include/zlib.h ]]; }; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "tool-install: installing clang and zlib1g-dev for the native build" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang zlib1g-dev >/dev/null
  else
    echo "tool-install: the native haul needs clang and zlib1g-dev: apt-get install clang zlib1g-dev (as root)." >&2
    exit 1
  fi
fi

rm -rf artifacts
# Haul.Core and the tool's top-level package "haul" (which only names the platform packages), then
# the framework-dependent fallback "haul.any" for every other platform, then the native one.
dotnet pack Haul.slnx -c Release -o artifacts
dotnet pack src/Haul.Cli -c Release -r any -o artifacts
if [[ "$rid" == linux-x64 ]]; then
  dotnet pack src/Haul.Cli -c Release -r linux-x64 -o artifacts
fi
ls -l artifacts

# NuGet caches a package by id and version: drop an older build of these so the fresh ones install.
for id in haul haul.any haul.linux-x64; do
  rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/$id"
done

started=$(date +%s%N)
dotnet tool install --tool-path "$tools" --add-source ./artifacts haul
version="$("$tools/haul" --version)"
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
echo "$version (install and first run: ${elapsed_ms} ms)"

commit="$(git rev-parse --short=12 HEAD 2>/dev/null || true)"
if [[ -n "$commit" && "$version" != *"(commit $commit)"* ]]; then
  echo "tool-install: the installed haul says '$version', expected commit $commit" >&2
  exit 1
fi

if [[ "$rid" == linux-x64 ]]; then
  # The native tool: an ELF executable with no haul.dll beside it (the JIT build has one).
  binary="$(readlink -f "$tools/haul")"
  if [[ "$(head -c 4 "$binary" | od -An -c | tr -d ' ')" != '177ELF' || -e "$(dirname "$binary")/haul.dll" ]]; then
    echo "tool-install: on linux-x64 the installed haul ($binary) is not the native build" >&2
    exit 1
  fi
  echo "tool-install: the installed haul is the native build ($(du -sh "$(dirname "$binary")" | cut -f1) installed)"
fi

"$tools/haul" demo -d "$work/demo" --progress plain </dev/null
echo "tool-install: haul installed from ./artifacts, --version and demo ran"
