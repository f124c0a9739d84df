#!/usr/bin/env bash
# crawl-recall.sh: how many of the pictures a browser loads does `haul crawl` save, against wget2?
#
#   bench/crawl-recall.sh SITE_DIR [START_PATH]     # START_PATH defaults to /index.html
#
# SITE_DIR is a static site (a theme's demo, a gallery) that a private nginx serves on 127.0.0.1.
# Three visitors go through it from START_PATH:
#   truth  headless Chromium over the DevTools protocol (--remote-debugging-pipe) with script
#          execution disabled, a 1280x900 viewport and the cache off, on every same-host page linked
#          from the start (a[href], up to DEPTH levels): the requests of type Image it makes that get
#          a 200 (img, <picture>'s choice, CSS url() backgrounds, noscript fallbacks) are the truth
#   haul   haul crawl URL --depth DEPTH -d OUT
#   wget2  wget2 -r -l DEPTH -p --no-parent --no-robots -P OUT URL, and the same without -p
# Each tool's saved files are compared with the truth by SHA-256 (bench/crawl-recall.py score):
# found, missed, extra (a picture file that is not in the truth) and duplicates (one picture
# saved twice). Prints a Markdown table and the missed, extra and duplicate files.
# Only 127.0.0.1 is contacted; nginx and Chromium are stopped on exit.
#
# Needs: bash, python3, nginx, wget2, chromium, curl, the .NET 10 SDK (unless HAUL_BIN); as
# root, missing Debian packages are installed with apt-get.
# Environment: DEPTH [5], HAUL_BIN [unset: build src/Haul.Cli in Release and dotnet run it],
#              KEEP_TMP [0] (1 keeps the outputs, logs and truth list)
set -euo pipefail

site=${1:?usage: bench/crawl-recall.sh SITE_DIR [START_PATH]}
start_path=${2:-/index.html}
DEPTH=${DEPTH:-5}
KEEP_TMP=${KEEP_TMP:-0}
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)
site=$(cd "$site" && pwd)
name=$(basename "$site")
log() { printf '[crawl-recall] %s\n' "$*" >&2; }
die() { printf '[crawl-recall] error: %s\n' "$*" >&2; exit 2; }
[[ $DEPTH =~ ^[0-9]+$ ]] || die "DEPTH must be a number (got '$DEPTH')"
[[ $start_path == /* ]] || start_path=/$start_path

missing=()
for pair in nginx:nginx wget2:wget2 chromium:chromium curl:curl python3:python3; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair##*:}")
done
if ((${#missing[@]} > 0)); then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        log "installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null ||
            die "apt-get could not install ${missing[*]}"
    else
        die "missing ${missing[*]}: apt-get install -y ${missing[*]} (or run as root)"
    fi
fi
[[ -f /etc/nginx/mime.types ]] || die "/etc/nginx/mime.types is missing (Debian's nginx installs it)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/haul-crawl-recall.XXXXXX")
nginx_pid= truth_pid=
cleanup() {
    local rc=$?
    if [[ -n $truth_pid ]] && kill -0 "$truth_pid" 2>/dev/null; then
        kill -TERM "$truth_pid" 2>/dev/null || true # it closes its Chromium before it exits
        wait "$truth_pid" 2>/dev/null || true
    fi
    if [[ -n $nginx_pid ]] && kill -0 "$nginx_pid" 2>/dev/null; then
        kill -QUIT "$nginx_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$nginx_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$nginx_pid" 2>/dev/null || true
        wait "$nginx_pid" 2>/dev/null || true
    fi
    if [[ $KEEP_TMP == 1 ]]; then log "kept $tmp"; else rm -rf "$tmp"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- nginx ----------------------------------------------------------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$tmp/nginx"
user_line=; [[ $(id -u) == 0 ]] && user_line="user root;"
cat >"$tmp/nginx/nginx.conf" <<CONF
$user_line
worker_processes 1;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    types { image/webp webp; image/avif avif; image/jxl jxl; }
    default_type application/octet-stream;
    log_format recall '\$status \$request_uri "\$http_user_agent"';
    access_log $tmp/nginx/access.log recall;
    client_body_temp_path $tmp/nginx/cb; proxy_temp_path $tmp/nginx/px; fastcgi_temp_path $tmp/nginx/fc;
    uwsgi_temp_path $tmp/nginx/uw; scgi_temp_path $tmp/nginx/sc;
    server { listen 127.0.0.1:$port; root $site; index index.html; location / { } }
}
CONF
nginx -e "$tmp/nginx/error.log" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" >/dev/null 2>&1 &
nginx_pid=$!
url="http://127.0.0.1:$port$start_path"
for _ in $(seq 100); do curl -fsS -o /dev/null "$url" 2>/dev/null && break; sleep 0.1; done
curl -fsS -o /dev/null "$url" || die "nginx does not serve $url (see $tmp/nginx/error.log)"

# --- haul -----------------------------------------------------------------------------------------
if [[ -n ${HAUL_BIN:-} ]]; then
    haul=("$HAUL_BIN")
else
    log "building src/Haul.Cli (Release)"
    dotnet build "$repo_root/src/Haul.Cli" -c Release >"$tmp/build.log" 2>&1 || die "build failed (see $tmp/build.log)"
    haul=(dotnet run --project "$repo_root/src/Haul.Cli" -c Release --no-build --)
fi

# --- the three visitors ---------------------------------------------------------------------------
log "truth: headless Chromium, scripts off, from $url, depth $DEPTH"
python3 "$script_dir/crawl-recall.py" truth "$url" "$tmp/truth.txt" "$DEPTH" &
truth_pid=$!
wait "$truth_pid"
truth_pid=

log "haul crawl --depth $DEPTH"
"${haul[@]}" crawl "$url" --depth "$DEPTH" -d "$tmp/haul" -q >"$tmp/haul.log" 2>&1 ||
    log "haul exited $? (see $tmp/haul.log)"

# wget2 1.99 with -p follows no page link past the start page ("not followed (page requisites +
# level)" in its debug log), so it also runs without -p, where -r alone takes img src and CSS url().
log "wget2 -r -l $DEPTH -p --no-parent --no-robots"
wget2 -r -l "$DEPTH" -p --no-parent --no-robots -P "$tmp/wget2-p" -q "$url" >"$tmp/wget2-p.log" 2>&1 ||
    log "wget2 -p exited $? (see $tmp/wget2-p.log)"
log "wget2 -r -l $DEPTH --no-parent --no-robots"
wget2 -r -l "$DEPTH" --no-parent --no-robots -P "$tmp/wget2" -q "$url" >"$tmp/wget2.log" 2>&1 ||
    log "wget2 exited $? (see $tmp/wget2.log)"

# --- the table ------------------------------------------------------------------------------------
echo "$name: $(wc -l <"$tmp/truth.txt.pages") pages visited by Chromium, $(wc -l <"$tmp/truth.txt") pictures loaded"
echo
echo "Requests nginx answered, by agent: all / distinct URLs (both wget2 runs share one agent;"
echo "Python-urllib is the truth's HEAD check of each linked URL)"
awk '{ agent = $3; sub(/^"/, "", agent); sub(/\/.*/, "", agent); if ($0 ~ /HeadlessChrome/) agent = "chromium"; n[agent]++; if (!seen[agent " " $2]++) d[agent]++ }
     END { for (a in n) printf "  %s: %d / %d\n", a, n[a], d[a] }' "$tmp/nginx/access.log" | sort
echo
python3 "$script_dir/crawl-recall.py" score "$site" "$tmp/truth.txt" "$name haul=$tmp/haul" "$name wget2 -r -p=$tmp/wget2-p" "$name wget2 -r=$tmp/wget2"
