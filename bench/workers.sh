#!/usr/bin/env bash
# workers.sh: the many-small-files workload (W1) through 1, 2 and 4 local `haul worker` processes
# sharing one Redis job, against one `haul get` process.
#
# Workload: N files of SIZE_KIB KiB served by a private nginx on 127.0.0.1 (access_log off), J
# downloads in flight per process. A worker run enqueues the URL list into a fresh job (timed
# apart), then starts W workers at once, each into its own directory, and ends when the last one
# leaves by itself (the job is closed and empty). Rounds interleave the modes: get, 1, 2, 4
# workers, get, ... Every run is verified: the union of the workers' directories must hold each
# file exactly once with its sha256; a run that does not verify counts as failed.
#
# Usage:  bench/workers.sh
# Environment overrides (defaults in brackets):
#   N [10000]  SIZE_KIB [16]  J [64]  ROUNDS [3]  WORKERS ["1 2 4"]
#   RUN_TIMEOUT [900]    seconds before a run is killed and counted as failed
#   DATA_DIR [${TMPDIR:-/tmp}/haul-bench-workers]  web root cache, reused when it matches N/SIZE_KIB
#   RESULTS_DIR [bench/results/workers-<timestamp>]  logs, raw.csv and summary.md (git-ignored)
#   HAUL_BIN [unset]     use this haul binary instead of publishing src/Haul.Cli
#   KEEP_TMP [0]         1 keeps the temporary directory
#
# Only 127.0.0.1 is ever contacted; nginx and redis-server get free ports of their own.

set -euo pipefail

N=${N:-10000}
SIZE_KIB=${SIZE_KIB:-16}
J=${J:-64}
ROUNDS=${ROUNDS:-3}
WORKERS=${WORKERS:-"1 2 4"}
RUN_TIMEOUT=${RUN_TIMEOUT:-900}
KEEP_TMP=${KEEP_TMP:-0}

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)
DATA_DIR=${DATA_DIR:-${TMPDIR:-/tmp}/haul-bench-workers}
RESULTS_DIR=${RESULTS_DIR:-$script_dir/results/workers-$(date +%Y%m%d-%H%M%S)}

log() { printf '[workers] %s\n' "$*" >&2; }
die() { printf '[workers] error: %s\n' "$*" >&2; exit 1; }

for v in N SIZE_KIB J ROUNDS RUN_TIMEOUT; do
    [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
for w in $WORKERS; do [[ $w =~ ^[1-9][0-9]*$ ]] || die "WORKERS must list positive integers (got '$w')"; done

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is required but not installed ($2)"; }
need nginx "apt-get install nginx"
need redis-server "apt-get install redis-server"
need redis-cli "apt-get install redis-server"
need python3 "apt-get install python3"
need curl "apt-get install curl"
need timeout "coreutils"
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is missing: apt-get install time"
if [[ -z ${HAUL_BIN:-} ]]; then need dotnet "install the .NET 10 SDK"; fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/haul-workers.XXXXXX")
nginx_pid=
redis_pid=
stop_pid() { # pid signal
    [[ -n $1 ]] && kill -0 "$1" 2>/dev/null || return 0
    kill "-$2" "$1" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
cleanup() {
    local rc=$?
    stop_pid "$nginx_pid" QUIT
    stop_pid "$redis_pid" TERM
    if [[ $KEEP_TMP == 1 ]]; then log "kept $tmp"; else rm -rf "$tmp"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$RESULTS_DIR/logs"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# --- the corpus: N files of random bytes, and the sorted "sha256  name" manifest --------------
www=$DATA_DIR/www
manifest=$DATA_DIR/manifest.sha256
stamp="n=$N size_kib=$SIZE_KIB"
if [[ -f $DATA_DIR/dataset.txt && $(cat "$DATA_DIR/dataset.txt") == "$stamp" && -f $manifest ]]; then
    log "reusing $N files of $SIZE_KIB KiB in $www/w"
else
    log "generating $N files of $SIZE_KIB KiB in $www/w"
    rm -rf "$DATA_DIR"
    mkdir -p "$www/w"
    python3 - "$www/w" "$N" "$((SIZE_KIB * 1024))" <<'PY'
import os, sys
d, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(1, n + 1):
    with open(os.path.join(d, f"{i:06d}.bin"), "wb") as f:
        f.write(os.urandom(size))
PY
    (cd "$www/w" && find . -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 sha256sum) >"$manifest"
    echo "$stamp" >"$DATA_DIR/dataset.txt"
fi
chmod -R a+rX "$DATA_DIR"
find "$www/w" -type f -print0 | xargs -0 cat >/dev/null

# The files of one or more output directories, as one sorted "sha256  name" listing (no .haul/).
listing() {
    for d in "$@"; do
        (cd "$d" && find . -path ./.haul -prune -o -type f -printf '%P\0' | xargs -0 -r sha256sum)
    done | LC_ALL=C sort -k2
}

# --- nginx and redis-server on 127.0.0.1 -------------------------------------------------------
ngx=$tmp/nginx
mkdir -p "$ngx"
port=$(free_port)
user_line=
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
    tcp_nodelay on;
    keepalive_requests 100000;
    keepalive_timeout 120s;
    default_type application/octet-stream;
    client_body_temp_path $ngx/client_body;
    proxy_temp_path $ngx/proxy;
    fastcgi_temp_path $ngx/fastcgi;
    uwsgi_temp_path $ngx/uwsgi;
    scgi_temp_path $ngx/scgi;
    server { listen 127.0.0.1:$port; root $www; location / { } }
}
EOF
nginx -e "$ngx/error.log" -p "$ngx" -c "$ngx/nginx.conf" >"$ngx/stdout.log" 2>&1 &
nginx_pid=$!
redis_port=$(free_port)
mkdir -p "$tmp/redis"
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$tmp/redis" --save '' --appendonly no >"$tmp/redis/log" 2>&1 &
redis_pid=$!
for _ in $(seq 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/w/000001.bin" 2>/dev/null &&
        [[ $(redis-cli -p "$redis_port" ping 2>/dev/null) == PONG ]] && break
    kill -0 "$nginx_pid" 2>/dev/null || die "nginx did not start: $(tail -n 3 "$ngx/error.log")"
    kill -0 "$redis_pid" 2>/dev/null || die "redis-server did not start: $(tail -n 3 "$tmp/redis/log")"
    sleep 0.1
done
log "nginx on 127.0.0.1:$port, redis-server $(redis-server --version | grep -o 'v=[0-9.]*') on 127.0.0.1:$redis_port"
urls=$tmp/urls.txt
for ((i = 1; i <= N; i++)); do printf "http://127.0.0.1:%d/w/%06d.bin\n" "$port" "$i"; done >"$urls"

# --- haul ----------------------------------------------------------------------------------------
if [[ -n ${HAUL_BIN:-} ]]; then
    haul=$HAUL_BIN
else
    log "publishing src/Haul.Cli (Release)"
    (cd "$repo_root" && dotnet publish src/Haul.Cli -c Release -o "$tmp/haul" --nologo) >"$RESULTS_DIR/logs/publish.log" 2>&1 ||
        die "dotnet publish failed (see $RESULTS_DIR/logs/publish.log)"
    haul=$tmp/haul/haul
fi
[[ -x $haul ]] || die "$haul is not executable"

redis_cpu() { redis-cli -p "$redis_port" info cpu | awk -F: '/^used_cpu_(user|sys):/ { s += $2 } END { printf "%.2f", s }'; }
now() { date +%s.%N; }

raw=$RESULTS_DIR/raw.csv
echo "mode,round,status,enqueue_s,work_s,total_s,haul_cpu_s,redis_cpu_s,peak_rss_kib" >"$raw"
{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "workload: N=$N SIZE_KIB=$SIZE_KIB J=$J ROUNDS=$ROUNDS WORKERS=$WORKERS"
    echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo "haul: $("$haul" --version 2>/dev/null | head -n1), repo HEAD $(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo n/a)"
    echo "redis: $(redis-server --version)"
    echo "nginx: $(nginx -v 2>&1 | cut -d/ -f2)"
    echo "get: haul get -i URLS -d OUT -j $J --max-per-host $J -q"
    echo "workers: haul enqueue JOB -i URLS --close; then W x haul worker JOB -d OUT/wK -j $J --max-per-host \$((J * W)) -q"
} >"$RESULTS_DIR/env.txt"

modes=(get)
for w in $WORKERS; do modes+=("w$w"); done

run_mode() { # mode round -> appends a raw.csv line
    local mode=$1 r=$2 out=$tmp/out enqueue_s=0 t0 t1 status=ok why= rc cpu=0 rss=0 rcpu0 rcpu1
    rm -rf "$out"
    mkdir -p "$out"
    sync
    sleep 1
    rcpu0=$(redis_cpu)
    local logf=$RESULTS_DIR/logs/$mode-round$r
    if [[ $mode == get ]]; then
        t0=$(now)
        rc=0
        /usr/bin/time -f '%U %S %M' -o "$tmp/time-get" timeout -k 10 "$RUN_TIMEOUT" \
            "$haul" get -i "$urls" -d "$out/get" -j "$J" --max-per-host "$J" -q >"$logf.stdout" 2>"$logf.stderr" || rc=$?
        t1=$(now)
        ((rc == 0)) || { status=failed; why="exit $rc"; }
        read -r u s m <"$tmp/time-get"
        cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')
        rss=$m
    else
        local w=${mode#w} job="bench-$$-$mode-$r" pids=()
        local address="redis://127.0.0.1:$redis_port/$job"
        t0=$(now)
        "$haul" enqueue "$address" -i "$urls" --close >"$logf.enqueue" 2>&1 || { status=failed; why="enqueue failed"; }
        t1=$(now)
        enqueue_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
        t0=$(now)
        for ((k = 1; k <= w; k++)); do
            /usr/bin/time -f '%U %S %M' -o "$tmp/time-$mode-$k" timeout -k 10 "$RUN_TIMEOUT" \
                "$haul" worker "$address" -d "$out/w$k" -j "$J" --max-per-host "$((J * w))" --name "w$k" -q \
                >"$logf.w$k.stdout" 2>"$logf.w$k.stderr" &
            pids+=($!)
        done
        for k in "${!pids[@]}"; do
            rc=0
            wait "${pids[$k]}" || rc=$?
            ((rc == 0)) || { status=failed; why="${why:+$why; }worker $((k + 1)) exit $rc"; }
        done
        t1=$(now)
        for ((k = 1; k <= w; k++)); do
            read -r u s m <"$tmp/time-$mode-$k"
            cpu=$(awk -v c="$cpu" -v u="$u" -v s="$s" 'BEGIN { print c + u + s }')
            rss=$((rss > m ? rss : m))
        done
        redis-cli -p "$redis_port" --scan --pattern "haul:{$job}:*" | xargs -r redis-cli -p "$redis_port" del >/dev/null
    fi
    rcpu1=$(redis_cpu)
    local work_s total_s
    work_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    total_s=$(awk -v a="$enqueue_s" -v b="$work_s" 'BEGIN { printf "%.3f", a + b }')
    if ! cmp -s "$manifest" <(listing "$out"/*); then
        status=failed
        why="${why:+$why; }verification: $(listing "$out"/* | wc -l) files in the output, $N expected, or bytes differ"
    fi
    rm -rf "$out"
    echo "$mode,$r,$status,$enqueue_s,$work_s,$total_s,$cpu,$(awk -v a="$rcpu0" -v b="$rcpu1" 'BEGIN { printf "%.2f", b - a }'),$rss" >>"$raw"
    if [[ $status == ok ]]; then
        log "round $r $mode: enqueue ${enqueue_s}s, work ${work_s}s, haul CPU ${cpu}s, verified"
    else
        log "round $r $mode: FAILED ($why)"
    fi
}

log "N=$N x $SIZE_KIB KiB, J=$J per process, $ROUNDS rounds, modes: ${modes[*]}"
for ((r = 1; r <= ROUNDS; r++)); do
    for mode in "${modes[@]}"; do run_mode "$mode" "$r"; done
done

# --- summary -------------------------------------------------------------------------------------
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) exit; if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
col() { awk -F, -v m="$1" -v c="$2" '$1 == m && $3 == "ok" { print $c }' "$raw" | median; }
get_total=$(col get 6 || true)
summary=$RESULTS_DIR/summary.md
{
    echo "N=$N files x $SIZE_KIB KiB, J=$J per process, $ROUNDS rounds; medians over verified rounds."
    echo "total = enqueue + work; ratio = haul get's total / this mode's total (>1: faster than one process)."
    echo
    echo "| mode | ok rounds | enqueue (s) | work (s) | total (s) | files/s | ratio to get | haul CPU (s) | redis CPU (s) |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    for mode in "${modes[@]}"; do
        okn=$(awk -F, -v m="$mode" '$1 == m && $3 == "ok"' "$raw" | wc -l)
        total=$(col "$mode" 6)
        if [[ -z $total ]]; then echo "| $mode | 0/$ROUNDS | failed | | | | | | |"; continue; fi
        awk -v m="$mode" -v okn="$okn" -v R="$ROUNDS" -v e="$(col "$mode" 4)" -v w="$(col "$mode" 5)" -v t="$total" \
            -v g="${get_total:-0}" -v c="$(col "$mode" 7)" -v rc="$(col "$mode" 8)" -v n="$N" \
            'BEGIN { printf "| %s | %d/%d | %.2f | %.2f | %.2f | %.0f | %s | %.2f | %.2f |\n", m, okn, R, e, w, t, n / t, (g > 0 ? sprintf("%.2f", g / t) : "-"), c, rc }'
    done
} >"$summary"
echo
cat "$summary"
log "raw numbers: $raw"
if awk -F, 'NR > 1 && $3 != "ok" { bad = 1 } END { exit !bad }' "$raw"; then die "some runs failed (see above and $RESULTS_DIR/logs)"; fi
