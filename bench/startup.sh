#!/usr/bin/env bash
# startup.sh: start-up time and memory of the JIT haul against the NativeAOT haul (and curl, wget2).
#
# Builds both (the AOT one needs clang and zlib1g-dev; installed when missing and run as root),
# serves one 16 KiB file and 2,000 more from a private nginx on 127.0.0.1, then measures with
# hyperfine (RUNS runs, warm-up 3): `haul --version`, one `haul get` into an empty directory, and
# the peak RSS and CPU of 2,000 files at -j 64 (GNU time). Every download is checked by SHA-256.
#
# Usage: bench/startup.sh        Environment: RUNS [20], RESULTS_DIR [bench/results/startup-<time>]
set -euo pipefail
RUNS=${RUNS:-20}
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/.." && pwd)
RESULTS_DIR=${RESULTS_DIR:-$here/results/startup-$(date +%Y%m%d-%H%M%S)}
log() { printf '[startup] %s\n' "$*" >&2; }
missing=()
for tool in nginx hyperfine curl wget2 clang; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[[ -x /usr/bin/time ]] || missing+=(time)
[[ -e /usr/include/zlib.h ]] || missing+=(zlib1g-dev)
if ((${#missing[@]})); then
    [[ $(id -u) -eq 0 ]] || { log "missing: ${missing[*]} (run as root to install)"; exit 1; }
    pkgs=(); for m in "${missing[@]}"; do case $m in time) pkgs+=(time);; zlib1g-dev) pkgs+=(zlib1g-dev);; *) pkgs+=("$m");; esac; done
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
fi

tmp=$(mktemp -d /tmp/haul-startup.XXXXXX); nginx_pid=
cleanup() { [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null; wait 2>/dev/null; [[ ${KEEP_TMP:-0} == 1 ]] || rm -rf "$tmp"; }
trap cleanup EXIT
mkdir -p "$RESULTS_DIR" "$tmp/www/f" "$tmp/nginx"
chmod 755 "$tmp"  # nginx workers run as another user
log "building the JIT and the NativeAOT haul"
dotnet publish "$root/src/Haul.Cli" -c Release -p:PublishAot=false -o "$tmp/jit" >"$RESULTS_DIR/publish-jit.log" 2>&1
dotnet publish "$root/src/Haul.Cli" -c Release -p:PublishAot=true -p:RuntimeIdentifier=linux-x64 -o "$tmp/aot" >"$RESULTS_DIR/publish-aot.log" 2>&1

for i in $(seq -f %04g 1 2000); do head -c 16384 /dev/urandom >"$tmp/www/f/$i.bin"; done
(cd "$tmp/www/f" && sha256sum -- *.bin | sort -k2) >"$tmp/manifest"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18799)
cat >"$tmp/nginx/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $tmp/nginx/pid; error_log $tmp/nginx/error.log;
events { worker_connections 1024; }
http { access_log off; sendfile on; client_body_temp_path $tmp/nginx; proxy_temp_path $tmp/nginx;
  fastcgi_temp_path $tmp/nginx; uwsgi_temp_path $tmp/nginx; scgi_temp_path $tmp/nginx;
  server { listen 127.0.0.1:$port; root $tmp/www; } }
CONF
nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" & nginx_pid=$!
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/f/0001.bin" && break; sleep 0.1; done
url="http://127.0.0.1:$port/f/0001.bin"; want=$(sha256sum "$tmp/www/f/0001.bin" | cut -d' ' -f1)
for i in $(seq -f %04g 1 2000); do echo "http://127.0.0.1:$port/f/$i.bin"; done >"$tmp/urls.txt"

log "start-up (hyperfine, $RUNS runs)"
hyperfine -N -w 3 -r "$RUNS" --export-markdown "$RESULTS_DIR/version.md" "$tmp/jit/haul --version" "$tmp/aot/haul --version" >/dev/null
hyperfine -N -w 3 -r "$RUNS" --prepare "rm -rf $tmp/one" --export-markdown "$RESULTS_DIR/get-one.md" \
    -n "haul get (JIT)" "$tmp/jit/haul get $url -d $tmp/one -q" \
    -n "haul get (AOT)" "$tmp/aot/haul get $url -d $tmp/one -q" \
    -n "curl" "curl -s --create-dirs -o $tmp/one/0001.bin $url" \
    -n "wget2" "wget2 -q -P $tmp/one $url" >/dev/null
rm -rf "$tmp/one"; "$tmp/aot/haul" get "$url" -d "$tmp/one" -q
[[ $(sha256sum "$tmp/one/0001.bin" | cut -d' ' -f1) == "$want" ]] || { log "AOT download does not verify"; exit 1; }

log "2,000 files at -j 64: peak RSS and CPU (median of 5)"
{
    echo "| build | wall s | CPU s | peak RSS MiB |"; echo "| --- | ---: | ---: | ---: |"
    for build in jit aot; do
        for r in 1 2 3 4 5; do
            rm -rf "$tmp/out"
            /usr/bin/time -f "%e %U %S %M" -o "$tmp/t" "$tmp/$build/haul" get -i "$tmp/urls.txt" -d "$tmp/out" -j 64 --max-per-host 64 -q
            [[ $(cd "$tmp/out" && sha256sum -- *.bin | sort -k2) == "$(cat "$tmp/manifest")" ]] || { log "$build run $r does not verify"; exit 1; }
            cat "$tmp/t"
        done | awk '{print $1, $2+$3, $4/1024}' | sort -n -k1 | sed -n 3p | awk -v b="$build" '{printf "| %s | %.2f | %.2f | %.1f |\n", b, $1, $2, $3}'
    done
} >"$RESULTS_DIR/memory.md"
cat "$RESULTS_DIR/version.md" "$RESULTS_DIR/get-one.md" "$RESULTS_DIR/memory.md"
