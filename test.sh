#!/usr/bin/env bash
# Runs Haul's whole test suite: unit tests and end-to-end tests against in-process loopback
# servers and a redis-server. Everything the tests need beyond the .NET 10 SDK is installed here
# when missing.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is required (https://dot.net); 'dotnet' is not on PATH." >&2
  exit 1
fi

# The distributed mode's tests start their own redis-server (Debian's package) on loopback; the
# serve page's browser tests drive Debian's chromium (never a downloaded browser) and run the page
# against aria2c as well.
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
[[ -x /usr/bin/aria2c ]] || missing+=(aria2)
if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "test.sh: these are required: apt-get install ${missing[*]} (as root)." >&2
    exit 1
  fi
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
