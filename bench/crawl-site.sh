#!/usr/bin/env bash
# crawl-site.sh: haul crawl against wget2 -r on a generated picture site served by a private nginx.
#
# Site: PAGES HTML pages (default 2000), each with IMAGES_PER_PAGE pictures (default 5, so 10,000
# in all; half .jpg, half .png, SIZE_KIB each, random bytes) and links to the next page, the page
# ten ahead and the start page, so every page is reachable and most are linked from several.
# Every tool runs ROUNDS times (interleaved) into a fresh directory; the pictures saved are
# counted and checked by sha256 against the generator's list. Only 127.0.0.1 is contacted.
#
# Environment: PAGES [2000], IMAGES_PER_PAGE [5], SIZE_KIB [8], ROUNDS [3], J [16],
#              HAUL_BIN [publish src/Haul.Cli], OUT_ROOT [temp dir]
set -euo pipefail

PAGES=${PAGES:-2000}
IMAGES_PER_PAGE=${IMAGES_PER_PAGE:-5}
SIZE_KIB=${SIZE_KIB:-8}
ROUNDS=${ROUNDS:-3}
J=${J:-16}
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/haul-crawl-bench.XXXXXX")
out_root=${OUT_ROOT:-$tmp}
nginx_pid=
log() { printf '[crawl-site] %s\n' "$*" >&2; }
cleanup() { [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

for tool in nginx wget2 sha256sum bc curl python3 /usr/bin/time; do
    command -v "$tool" >/dev/null 2>&1 || { log "missing $tool (apt-get install nginx wget2 time)"; exit 1; }
done

# --- the site ---------------------------------------------------------------------------------
www=$tmp/www
mkdir -p "$www/p" "$www/i"
log "generating $PAGES pages and $((PAGES * IMAGES_PER_PAGE)) pictures of $SIZE_KIB KiB"
for ((p = 0; p < PAGES; p++)); do
    {
        printf '<!doctype html><html><head><title>page %d</title></head><body>\n' "$p"
        printf '<a href="/p/%d.html">next</a> <a href="/p/%d.html">ahead</a> <a href="/p/0.html">start</a>\n' \
            $(((p + 1) % PAGES)) $(((p + 10) % PAGES))
        for ((i = 0; i < IMAGES_PER_PAGE; i++)); do
            ext=jpg; ((i % 2)) && ext=png
            printf '<img src="/i/%d-%d.%s" alt="picture %d of page %d">\n' "$p" "$i" "$ext" "$i" "$p"
        done
        printf '</body></html>\n'
    } >"$www/p/$p.html"
done
head -c $((PAGES * IMAGES_PER_PAGE * SIZE_KIB * 1024)) /dev/urandom >"$tmp/pool"
n=0
for ((p = 0; p < PAGES; p++)); do
    for ((i = 0; i < IMAGES_PER_PAGE; i++)); do
        ext=jpg; ((i % 2)) && ext=png
        dd if="$tmp/pool" of="$www/i/$p-$i.$ext" bs=$((SIZE_KIB * 1024)) skip=$n count=1 status=none
        n=$((n + 1))
    done
done
(cd "$www/i" && sha256sum -- * | LC_ALL=C sort -k2) >"$tmp/manifest"
expected=$((PAGES * IMAGES_PER_PAGE))

# --- nginx --------------------------------------------------------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$tmp/nginx"
user_line=; [[ $(id -u) == 0 ]] && user_line="user root;"
cat >"$tmp/nginx/nginx.conf" <<CONF
$user_line
worker_processes auto;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 8192; }
http {
    access_log off;
    sendfile on;
    keepalive_requests 100000;
    types { text/html html; image/jpeg jpg; image/png png; }
    client_body_temp_path $tmp/nginx/cb; proxy_temp_path $tmp/nginx/px; fastcgi_temp_path $tmp/nginx/fc;
    uwsgi_temp_path $tmp/nginx/uw; scgi_temp_path $tmp/nginx/sc;
    server { listen 127.0.0.1:$port; root $www; location / { } }
}
CONF
nginx -e "$tmp/nginx/error.log" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" >/dev/null 2>&1 &
nginx_pid=$!
for _ in $(seq 100); do curl -fsS -o /dev/null "http://127.0.0.1:$port/p/0.html" 2>/dev/null && break; sleep 0.1; done
start="http://127.0.0.1:$port/p/0.html"

# --- haul ---------------------------------------------------------------------------------------
haul=${HAUL_BIN:-}
if [[ -z $haul ]]; then
    log "publishing src/Haul.Cli (Release)"
    dotnet publish "$repo_root/src/Haul.Cli" -c Release -o "$tmp/haul" >"$tmp/publish.log" 2>&1
    haul=$tmp/haul/haul
fi

# --- runs ---------------------------------------------------------------------------------------
verify() { # a run's pictures, wherever the tool put them, against the manifest
    local dir=$1
    (cd "$dir" && find . -path ./.haul -prune -o -type f \( -name '*.jpg' -o -name '*.png' \) -print0 |
        xargs -0 -r sha256sum | sed 's#  .*/#  #' | LC_ALL=C sort -k2) | diff -q - "$tmp/manifest" >/dev/null
}
printf 'tool,round,wall_s,peak_rss_kib,cpu_s,ok,pictures\n' >"$tmp/raw.csv"
for ((round = 1; round <= ROUNDS; round++)); do
    for tool in haul wget2 wget2-as-asked; do
        out=$(mktemp -d "$out_root/crawl-$tool.XXXXXX")
        case $tool in
            haul) cmd=("$haul" crawl "$start" -d "$out" --depth 100000 -j "$J" --max-per-host "$J" -q) ;;
            # wget2 1.99 with -A jpg,png alone stops after the first level of pages (the pages are
            # refused by -A), so the comparison accepts html too; wget2-as-asked is that exact command.
            wget2) cmd=(wget2 -r -l inf -A jpg,png,html -P "$out" --max-threads="$J" --no-robots "$start") ;;
            wget2-as-asked) cmd=(wget2 -r -l inf -A jpg,png -P "$out" --max-threads="$J" --no-robots "$start") ;;
        esac
        sync
        /usr/bin/time -f '%e %M %U %S' -o "$tmp/time" "${cmd[@]}" >"$tmp/$tool-$round.err" 2>&1 || true
        read -r wall rss user sys <"$tmp/time"
        saved=$(find "$out" -type f \( -name '*.jpg' -o -name '*.png' \) | wc -l)
        ok=no; verify "$out" && ok=yes
        [[ $ok == yes ]] || { log "$tool did not save every picture exactly; its output ends with:"; tail -n 3 "$tmp/$tool-$round.err" >&2; }
        log "round $round $tool: ${wall}s, ${rss} KiB, $saved of $expected pictures, all verified: $ok"
        printf '%s,%s,%s,%s,%s,%s\n' "$tool" "$round" "$wall" "$rss" "$(echo "$user + $sys" | bc)" "$ok,$saved" >>"$tmp/raw.csv"
        rm -rf "$out"
    done
done

# --- summary ------------------------------------------------------------------------------------
echo "$PAGES pages, $expected pictures of $SIZE_KIB KiB, $J in flight, $ROUNDS rounds, medians"
echo
echo "| tool | median wall (s) | pages/s | pictures/s | median peak RSS (MiB) | median CPU (s) | all verified |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
for tool in haul wget2 wget2-as-asked; do
    awk -F, -v t="$tool" -v pages="$PAGES" -v pics="$expected" '
        $1 == t { w[++n] = $3; r[n] = $4; c[n] = $5; if ($6 != "yes") bad = 1 }
        function median(a, n,   i, j, x) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x }; return a[int((n + 1) / 2)] }
        END { mw = median(w, n); printf "| %s | %.2f | %.0f | %.0f | %.1f | %.2f | %s |\n", t, mw, pages / mw, pics / mw, median(r, n) / 1024, median(c, n), bad ? "no" : "yes" }
    ' "$tmp/raw.csv"
done
echo
cat "$tmp/raw.csv"
