#!/usr/bin/env bash
# many-small.sh: Haul against aria2c, wget2 and curl on many small files.
#
# Workload: N files of SIZE_KIB KiB of random bytes, served by a private nginx on 127.0.0.1,
# fetched from a URL list with J downloads in flight. Every tool runs ROUNDS times (rounds are
# interleaved: haul, aria2c, wget2, curl, haul, ...), each time into a fresh empty directory.
# Wall time and peak RSS come from /usr/bin/time; every output is verified (file count and the
# sha256 of every file) and a run that does not verify counts as failed.
#
# Usage:  bench/many-small.sh
# Environment overrides (defaults in brackets):
#   N [10000]            number of files
#   ROUNDS [3]           runs per tool
#   J [64]               downloads in flight (each tool's concurrency flag)
#   SIZE_KIB [16]        size of each file in KiB
#   TOOLS ["haul aria2c wget2 curl"]  tools to run (haul is the baseline; peers missing are skipped;
#                        haul-nojournal is haul with --no-journal, to measure the journal's cost)
#   RUN_TIMEOUT [900]    seconds before one run is killed and counted as failed
#   DATA_DIR [${TMPDIR:-/tmp}/haul-bench-many-small]  web root cache, reused when it matches N/SIZE_KIB
#   RESULTS_DIR [bench/results/many-small-<timestamp>]  logs, raw.csv and summary.md (git-ignored)
#   HAUL_BIN [unset]     use this haul binary instead of publishing src/Haul.Cli
#   PORT [unset]         nginx port (default: a free one picked at random)
#   OUT_ROOT [temp dir]  where the per-run output directories are created, e.g. /dev/shm to take
#                        the client's disk out of the measurement
#   SETTLE [1]           seconds to wait (after sync) before each run
#   KEEP_TMP [0]         1 keeps the temporary directory (nginx conf, URL lists, publish output)
#
# Only 127.0.0.1 is ever contacted.

set -euo pipefail

N=${N:-10000}
ROUNDS=${ROUNDS:-3}
J=${J:-64}
SIZE_KIB=${SIZE_KIB:-16}
TOOLS=${TOOLS:-"haul aria2c wget2 curl"}
RUN_TIMEOUT=${RUN_TIMEOUT:-900}
KEEP_TMP=${KEEP_TMP:-0}
SETTLE=${SETTLE:-1}

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)
DATA_DIR=${DATA_DIR:-${TMPDIR:-/tmp}/haul-bench-many-small}
RESULTS_DIR=${RESULTS_DIR:-$script_dir/results/many-small-$(date +%Y%m%d-%H%M%S)}

log() { printf '[many-small] %s\n' "$*" >&2; }
die() { printf '[many-small] error: %s\n' "$*" >&2; exit 1; }

for v in N ROUNDS J SIZE_KIB RUN_TIMEOUT; do
    [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done

# ---------------------------------------------------------------------------------------------
# Prerequisites
# ---------------------------------------------------------------------------------------------
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is required but not installed ($2)"; }
need nginx "apt-get install nginx"
need sha256sum "coreutils"
need timeout "coreutils"
need curl "apt-get install curl (also used to probe nginx)"
if [[ -z ${HAUL_BIN:-} ]]; then need dotnet "install the .NET 10 SDK"; fi

TIME_BIN=/usr/bin/time
if [[ ! -x $TIME_BIN ]]; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        log "/usr/bin/time is missing: installing the Debian package 'time'"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
    fi
    [[ -x $TIME_BIN ]] || die "/usr/bin/time (GNU time) is missing: apt-get install time"
fi

tools=()
for t in $TOOLS; do
    case $t in
        haul | haul-nojournal) tools+=("$t") ;;
        aria2c | wget2 | curl)
            if command -v "$t" >/dev/null 2>&1; then tools+=("$t"); else log "skipping $t: not installed"; fi ;;
        *) die "unknown tool '$t' in TOOLS (known: haul haul-nojournal aria2c wget2 curl)" ;;
    esac
done
((${#tools[@]} > 0)) || die "no tool to run"

# ---------------------------------------------------------------------------------------------
# Temp dir, cleanup
# ---------------------------------------------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/haul-many-small.XXXXXX")
OUT_ROOT=${OUT_ROOT:-$tmp}
[[ -d $OUT_ROOT && -w $OUT_ROOT ]] || { rm -rf "$tmp"; die "OUT_ROOT=$OUT_ROOT is not a writable directory"; }
out_base=$(mktemp -d "$OUT_ROOT/haul-many-small-out.XXXXXX")
nginx_pid=
cleanup() {
    local rc=$?
    if [[ -n $nginx_pid ]] && kill -0 "$nginx_pid" 2>/dev/null; then
        kill -QUIT "$nginx_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$nginx_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$nginx_pid" 2>/dev/null || true
        wait "$nginx_pid" 2>/dev/null || true
    fi
    rm -rf "${out_base:-}"
    if [[ $KEEP_TMP == 1 ]]; then
        log "kept temporary directory $tmp"
    else
        rm -rf "$tmp"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$RESULTS_DIR/logs"

# ---------------------------------------------------------------------------------------------
# Data set: N files of SIZE_KIB KiB in $DATA_DIR/www/f, plus a sorted sha256 manifest
# ---------------------------------------------------------------------------------------------
www=$DATA_DIR/www
files_dir=$www/f
manifest=$DATA_DIR/manifest.sha256
stamp=$DATA_DIR/dataset.txt
width=${#N}
if ((width < 5)); then width=5; fi
want_stamp="n=$N size_kib=$SIZE_KIB width=$width"
bytes=$((SIZE_KIB * 1024))

# A sorted "sha256  relative/path" listing of every regular file under a directory.
listing() {
    # haul's journal (.haul/) is bookkeeping, not a downloaded file.
    (cd "$1" && find . -path ./.haul -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 -r sha256sum)
}

dataset_ok() {
    [[ -f $stamp && $(cat "$stamp") == "$want_stamp" && -f $manifest ]] || return 1
    [[ $(find "$files_dir" -maxdepth 1 -type f -name '*.bin' -size "${bytes}c" | wc -l) -eq $N ]] || return 1
    [[ $(find "$files_dir" -type f | wc -l) -eq $N ]]
}

if dataset_ok; then
    log "reusing $N files of $SIZE_KIB KiB in $files_dir"
else
    log "generating $N files of $SIZE_KIB KiB in $files_dir"
    rm -rf "$www" "$manifest" "$stamp"
    mkdir -p "$files_dir"
    if command -v python3 >/dev/null 2>&1; then
        python3 - "$files_dir" "$N" "$bytes" "$width" <<'PY'
import os, sys
d, n, size, width = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
for i in range(1, n + 1):
    with open(os.path.join(d, f"{i:0{width}d}.bin"), "wb") as f:
        f.write(os.urandom(size))
PY
    else
        for ((i = 1; i <= N; i++)); do
            head -c "$bytes" /dev/urandom >"$files_dir/$(printf "%0${width}d" "$i").bin"
        done
    fi
    listing "$files_dir" >"$manifest.tmp"
    mv "$manifest.tmp" "$manifest"
    echo "$want_stamp" >"$stamp"
fi
chmod -R a+rX "$DATA_DIR"
# Warm the page cache so the first run does not pay for cold reads on the server side.
find "$files_dir" -type f -print0 | xargs -0 cat >/dev/null

# ---------------------------------------------------------------------------------------------
# nginx on 127.0.0.1, its own config, stopped on exit
# ---------------------------------------------------------------------------------------------
free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
    else
        local p
        for _ in $(seq 100); do
            p=$((20000 + RANDOM % 40000))
            if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
        done
        die "could not find a free port"
    fi
}

start_nginx() {
    local port=$1 ngx=$tmp/nginx user_line=
    mkdir -p "$ngx"
    # As root, nginx would switch its workers to 'nobody'; keep them as the current user.
    if [[ $(id -u) -eq 0 ]]; then user_line="user $(id -un) $(id -gn);"; fi
    cat >"$ngx/nginx.conf" <<EOF
$user_line
worker_processes auto;
daemon off;
pid $ngx/nginx.pid;
error_log $ngx/error.log warn;
worker_rlimit_nofile 65536;
events { worker_connections 8192; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_requests 100000;
    keepalive_timeout 120s;
    types { application/octet-stream bin; }
    default_type application/octet-stream;
    client_body_temp_path $ngx/client_body;
    proxy_temp_path $ngx/proxy;
    fastcgi_temp_path $ngx/fastcgi;
    uwsgi_temp_path $ngx/uwsgi;
    scgi_temp_path $ngx/scgi;
    server {
        listen 127.0.0.1:$port;
        root $www;
        location / { }
    }
}
EOF
    nginx -e "$ngx/error.log" -p "$ngx" -c "$ngx/nginx.conf" -t >"$ngx/configtest.log" 2>&1 ||
        { cat "$ngx/configtest.log" >&2; die "nginx rejected its configuration"; }
    nginx -e "$ngx/error.log" -p "$ngx" -c "$ngx/nginx.conf" >>"$ngx/stdout.log" 2>&1 &
    nginx_pid=$!
    local probe
    probe=$(printf "%0${width}d" 1)
    for _ in $(seq 100); do
        if ! kill -0 "$nginx_pid" 2>/dev/null; then
            wait "$nginx_pid" 2>/dev/null || true
            nginx_pid=
            return 1
        fi
        if curl -fsS -o /dev/null "http://127.0.0.1:$port/f/$probe.bin" 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    return 1
}

port=
for attempt in 1 2 3 4 5; do
    candidate=${PORT:-$(free_port)}
    if start_nginx "$candidate"; then port=$candidate; break; fi
    log "nginx did not come up on port $candidate (attempt $attempt):"
    tail -n 5 "$tmp/nginx/error.log" >&2 2>/dev/null || true
    if [[ -n $nginx_pid ]]; then kill -QUIT "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; nginx_pid=; fi
    [[ -z ${PORT:-} ]] || die "nginx could not start on PORT=$PORT"
done
[[ -n $port ]] || die "nginx could not start (see above)"
log "nginx (pid $nginx_pid) serving $www on http://127.0.0.1:$port/"

urls=$tmp/urls.txt
for ((i = 1; i <= N; i++)); do printf "http://127.0.0.1:%d/f/%0${width}d.bin\n" "$port" "$i"; done >"$urls"
# curl takes its URLs from a config file (-K): one url = "..." line per URL.
curl_cfg=$tmp/curl-urls.cfg
sed 's/.*/url = "&"/' "$urls" >"$curl_cfg"

# ---------------------------------------------------------------------------------------------
# haul: publish once (Release), or use HAUL_BIN
# ---------------------------------------------------------------------------------------------
if [[ -n ${HAUL_BIN:-} ]]; then
    haul=$HAUL_BIN
    [[ -x $haul ]] || die "HAUL_BIN=$haul is not executable"
elif [[ " ${tools[*]} " == *" haul "* ]]; then
    log "publishing src/Haul.Cli (Release) to $tmp/haul"
    (cd "$repo_root" && dotnet publish src/Haul.Cli -c Release -o "$tmp/haul" --nologo) >"$RESULTS_DIR/logs/publish.log" 2>&1 ||
        { tail -n 30 "$RESULTS_DIR/logs/publish.log" >&2; die "dotnet publish failed (full log: $RESULTS_DIR/logs/publish.log)"; }
    haul=$tmp/haul/haul
    [[ -x $haul ]] || die "publish did not produce $haul"
fi

# ---------------------------------------------------------------------------------------------
# The runs
# ---------------------------------------------------------------------------------------------
tool_cmd() { # tool out -> sets the array cmd
    local out=$2
    case $1 in
        haul) cmd=("$haul" get -i "$urls" -d "$out" -j "$J" --max-per-host "$J" -q) ;;
        # The same without the SQLite journal: the difference is the journal's cost.
        haul-nojournal) cmd=("$haul" get -i "$urls" -d "$out" -j "$J" --max-per-host "$J" -q --no-journal) ;;
        # -j: downloads in flight. -x (--max-connection-per-server, capped at 16 by aria2) is
        # per download, so -x 1 means one connection per download and J connections in total.
        aria2c) cmd=(aria2c -i "$urls" -d "$out" -j "$J" -x 1 --console-log-level=error
                    --summary-interval=0 -q --allow-overwrite=true --auto-file-renaming=false) ;;
        wget2) cmd=(wget2 -i "$urls" -P "$out" --max-threads="$J" -q --no-robots) ;;
        # curl 7.88 still draws its parallel progress meter with -s; --no-progress-meter stops it.
        curl) cmd=(curl --parallel --parallel-max "$J" -s --no-progress-meter --output-dir "$out" --remote-name-all -K "$curl_cfg") ;;
    esac
}

version_of() {
    case $1 in
        haul | haul-nojournal) "$haul" --version 2>/dev/null | head -n1 ;;
        aria2c) aria2c --version | head -n1 ;;
        wget2) wget2 --version | head -n1 ;;
        curl) curl --version | head -n1 | cut -d' ' -f1-2 ;;
    esac
}

raw=$RESULTS_DIR/raw.csv
echo "tool,round,status,exit_code,wall_s,peak_rss_kib,user_s,sys_s,files_ok" >"$raw"

log "workload: N=$N x ${SIZE_KIB} KiB, J=$J, ROUNDS=$ROUNDS, outputs under $out_base, tools: ${tools[*]}"
for t in "${tools[@]}"; do log "  $t: $(version_of "$t")"; done
{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "workload: N=$N SIZE_KIB=$SIZE_KIB J=$J ROUNDS=$ROUNDS OUT_ROOT=$OUT_ROOT"
    echo "kernel: $(uname -sr)"
    echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //')"
    echo "memory: $(free -m 2>/dev/null | awk '/^Mem:/ { print $2 " MiB" }')"
    echo "output fs: $(df -PT "$out_base" 2>/dev/null | awk 'NR == 2 { print $2 " (" $1 ")" }')"
    echo "dotnet: $(dotnet --version 2>/dev/null || echo n/a)"
    echo "repo HEAD (the haul line gives the measured build): $(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo n/a)$(git -C "$repo_root" status --porcelain -- src 2>/dev/null | grep -q . && echo ' (src has uncommitted changes)')"
    echo "nginx: $(nginx -v 2>&1 | cut -d/ -f2)"
    for t in "${tools[@]}"; do echo "$t: $(version_of "$t")"; done
    for t in "${tools[@]}"; do tool_cmd "$t" OUT; echo "command $t: ${cmd[*]}"; done
} >"$RESULTS_DIR/env.txt"

for ((r = 1; r <= ROUNDS; r++)); do
    for t in "${tools[@]}"; do
        out=$out_base/$t
        mkdir -p "$out"
        sync
        sleep "$SETTLE"
        tool_cmd "$t" "$out"
        tf=$tmp/time-$t-$r.txt
        logf=$RESULTS_DIR/logs/$t-round$r
        rc=0
        (cd "$tmp" && "$TIME_BIN" -f '%e %M %U %S' -o "$tf" timeout -k 10 "$RUN_TIMEOUT" "${cmd[@]}") \
            >"$logf.stdout" 2>"$logf.stderr" || rc=$?
        read -r wall rss usr sys < <(tail -n1 "$tf" 2>/dev/null || echo "NA NA NA NA")
        [[ $wall =~ ^[0-9.]+$ ]] || wall=NA
        [[ $rss =~ ^[0-9]+$ ]] || rss=NA
        [[ $usr =~ ^[0-9.]+$ ]] || usr=NA
        [[ $sys =~ ^[0-9.]+$ ]] || sys=NA
        listing "$out" >"$tmp/listing-$t.txt"
        got=$(wc -l <"$tmp/listing-$t.txt")
        ok=$(awk 'NR == FNR { want[$0]; next } $0 in want { c++ } END { print c + 0 }' "$manifest" "$tmp/listing-$t.txt")
        status=ok
        why=
        if ((rc == 124)); then
            status=failed why="timed out after ${RUN_TIMEOUT}s"
        elif ((rc != 0)); then
            status=failed why="exit code $rc"
        fi
        if ! cmp -s "$manifest" "$tmp/listing-$t.txt"; then
            status=failed
            why="${why:+$why; }verification: $ok/$N files match, $got files in output"
            diff "$manifest" "$tmp/listing-$t.txt" | head -n 20 >"$logf.verify-diff" || true
        fi
        rm -rf "$out"
        echo "$t,$r,$status,$rc,$wall,$rss,$usr,$sys,$ok" >>"$raw"
        if [[ $status == ok ]]; then
            log "round $r $t: ${wall}s, peak RSS $((rss / 1024)) MiB, cpu ${usr}s user + ${sys}s sys, $ok/$N verified"
        else
            log "round $r $t: FAILED ($why), ${wall}s; stderr tail:"
            tail -n 10 "$logf.stderr" | sed 's/^/    /' >&2 || true
        fi
        [[ -s $logf.stdout ]] || rm -f "$logf.stdout"
        [[ -s $logf.stderr ]] || rm -f "$logf.stderr"
    done
done

# ---------------------------------------------------------------------------------------------
# Summary
# ---------------------------------------------------------------------------------------------
median() { # numbers on stdin -> median (or empty)
    sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) exit; if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
col_median() { # tool column -> median of that column over the tool's successful rounds
    awk -F, -v t="$1" -v c="$2" '$1 == t && $3 == "ok" { print $c }' "$raw" | median
}

haul_wall=$(col_median haul 5 || true)
summary=$RESULTS_DIR/summary.md
{
    echo "N=$N files x $SIZE_KIB KiB, J=$J, $ROUNDS rounds, medians over successful rounds; ratio = tool time / haul time (>1: slower than haul)."
    echo
    echo "| tool | ok rounds | median wall (s) | median peak RSS (MiB) | time vs haul | files/s | median CPU user+sys (s) |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
    for t in "${tools[@]}"; do
        okn=$(awk -F, -v t="$t" '$1 == t && $3 == "ok"' "$raw" | wc -l)
        w=$(col_median "$t" 5)
        m=$(col_median "$t" 6)
        c=$(awk -F, -v t="$t" '$1 == t && $3 == "ok" && $7 != "NA" { print $7 + $8 }' "$raw" | median)
        if [[ -z $w ]]; then
            echo "| $t | 0/$ROUNDS | failed | failed | - | - | - |"
            continue
        fi
        ratio=-
        if [[ -n $haul_wall ]]; then ratio=$(awk -v a="$w" -v b="$haul_wall" 'BEGIN { printf "%.2f", a / b }'); fi
        awk -v t="$t" -v okn="$okn" -v R="$ROUNDS" -v w="$w" -v m="$m" -v r="$ratio" -v n="$N" -v c="${c:-NA}" \
            'BEGIN { printf "| %s | %d/%d | %.2f | %.1f | %s | %.0f | %s |\n", t, okn, R, w, m / 1024, r, n / w, (c == "NA" ? c : sprintf("%.2f", c)) }'
    done
    echo
    echo "Per round (wall s / peak RSS MiB / CPU user+sys s):"
    echo
    echo "| tool | $(seq -s ' | ' 1 "$ROUNDS" | sed 's/[0-9]\+/round &/g') |"
    echo "| --- |$(for ((r = 1; r <= ROUNDS; r++)); do printf ' ---: |'; done)"
    for t in "${tools[@]}"; do
        awk -F, -v t="$t" '
            $1 == t { cell = ($5 == "NA" ? "NA" : sprintf("%.2f", $5)) " / " ($6 == "NA" ? "NA" : sprintf("%.0f", $6 / 1024)) " / " ($7 == "NA" ? "NA" : sprintf("%.2f", $7 + $8)); if ($3 != "ok") cell = cell " (failed)"; row = row " " cell " |" }
            END { print "| " t " |" row }' "$raw"
    done
} >"$summary"

echo
cat "$summary"
echo
log "raw numbers: $raw"
log "summary:     $summary"
log "logs:        $RESULTS_DIR/logs"
if awk -F, 'NR > 1 && $3 != "ok" { bad = 1 } END { exit !bad }' "$raw"; then
    log "some runs failed (see above and the logs)"
    exit 1
fi
