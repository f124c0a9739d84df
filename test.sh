#!/usr/bin/env bash
# Runs Haul's whole test suite: unit tests and end-to-end tests against in-process loopback
# servers. Everything the tests need beyond the .NET 10 SDK is installed here when missing.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is required (https://dot.net); 'dotnet' is not on PATH." >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

status=0
dotnet test Haul.slnx -c Release --logger "trx;LogFileName=haul.trx" --results-directory "$results" || status=$?

# One plain closing line, whatever the runner printed above.
trx="$(find "$results" -name '*.trx' | head -n 1)"
if [[ -n "$trx" ]]; then
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  passed="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  failed="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  echo "${passed:-0} passed, ${failed:-0} failed"
fi
exit "$status"
