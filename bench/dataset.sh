#!/usr/bin/env bash
# dataset.sh: haul dataset (img2dataset's job) on generated photos, beside the decode+resize floor.
#
# Workload: DATASET_N photo-like JPEGs from 640x480 to 3000x2000 (smooth colour clouds, gradients
# and grain; one in twenty turned by an EXIF orientation), made by bench/ImageResize and served by
# a private nginx on 127.0.0.1; a url,caption CSV; `haul dataset` resizing to 256 (border, JPEG 95)
# into webdataset shards. The floor is Debian's vipsthumbnail on the same files from the local disk,
# in parallel over every core. Wall time, CPU (user+system) and peak RSS come from GNU time. The
# output is verified: every shard's stats present, members = 3 x samples (jpg, txt, json) in key
# order, every sample a success, and SAMPLE members decoded with vipsheader at 256x256.
# Then bench/ImageResize compares libvips (Haul's own picture path) with SkiaSharp in process.
#
# Usage:  bench/dataset.sh                 # 10,000 pictures (about 10 GB of JPEGs in DATA_DIR)
#         DATASET_N=500 bench/dataset.sh   # a quick try
# Environment (defaults in brackets):
#   DATASET_N [10000]        pictures
#   DATASET_SHARD [1000]     --number-sample-per-shard
#   ROUNDS [1]               runs of haul and of the floor, alternating; the best wall time counts
#   J [64]                   haul's downloads in flight (-j); --max-per-host is the same
#   PROCESSES [unset]        haul's --processes-count (default: the processors)
#   COMPARE [1]              0 skips the libvips/SkiaSharp comparison
#   COMPARE_N [500]          pictures in the comparison (held in memory)
#   SAMPLE [25]              output pictures decoded with vipsheader
#   DATA_DIR [${TMPDIR:-/tmp}/haul-bench-dataset]  generated pictures, reused while they match
#   OUT_ROOT [temp dir]      where the outputs are written (/dev/shm takes the disk out)
#   RESULTS_DIR [bench/results/dataset-<time>]     logs and summary.md (git-ignored)
#   HAUL_BIN [unset]         a haul binary to measure instead of publishing src/Haul.Cli
#   RUN_TIMEOUT [3600]       seconds before a run is killed and counted as failed
#   KEEP_TMP [0]             1 keeps the temporary directory
#
# Needs: bash, coreutils, the .NET 10 SDK, nginx, curl, libvips-tools (vipsthumbnail, vipsheader),
# GNU time and tar; as root, missing tools are installed with apt-get. Only 127.0.0.1 is contacted.

set -euo pipefail

DATASET_N=${DATASET_N:-10000}
DATASET_SHARD=${DATASET_SHARD:-1000}
ROUNDS=${ROUNDS:-1}
J=${J:-64}
COMPARE=${COMPARE:-1}
COMPARE_N=${COMPARE_N:-500}
SAMPLE=${SAMPLE:-25}
RUN_TIMEOUT=${RUN_TIMEOUT:-3600}
KEEP_TMP=${KEEP_TMP:-0}
SIZE=256

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)
DATA_DIR=${DATA_DIR:-${TMPDIR:-/tmp}/haul-bench-dataset}
RESULTS_DIR=${RESULTS_DIR:-$script_dir/results/dataset-$(date +%Y%m%d-%H%M%S)}
cores=$(nproc)

log() { printf '[dataset] %s\n' "$*" >&2; }
die() { printf '[dataset] error: %s\n' "$*" >&2; exit 1; }

for v in DATASET_N DATASET_SHARD ROUNDS J COMPARE_N SAMPLE RUN_TIMEOUT; do
    [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
[[ -z ${PROCESSES:-} || ${PROCESSES} =~ ^[1-9][0-9]*$ ]] || die "PROCESSES must be a positive integer"

# ---------------------------------------------------------------------------------------------
# Prerequisites: as root, what is missing is installed from Debian
# ---------------------------------------------------------------------------------------------
missing=()
command -v nginx >/dev/null 2>&1 || missing+=(nginx)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v vipsthumbnail >/dev/null 2>&1 || missing+=(libvips-tools)
command -v tar >/dev/null 2>&1 || missing+=(tar)
[[ -x /usr/bin/time ]] || missing+=(time)
if ((${#missing[@]} > 0)); then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        log "installing ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null ||
            { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }
    fi
fi
for tool in nginx curl vipsthumbnail vipsheader tar timeout /usr/bin/time dotnet; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required (apt-get install nginx curl libvips-tools tar time; the .NET 10 SDK)"
done

# ---------------------------------------------------------------------------------------------
# Temporary directory, nginx, cleanup
# ---------------------------------------------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/haul-dataset.XXXXXX")
OUT_ROOT=${OUT_ROOT:-$tmp}
out_base=$(mktemp -d "$OUT_ROOT/haul-dataset-out.XXXXXX")
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
    if [[ $KEEP_TMP == 1 ]]; then log "kept temporary directory $tmp"; else rm -rf "$tmp"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$RESULTS_DIR/logs"

# ---------------------------------------------------------------------------------------------
# Pictures: DATASET_N JPEGs in $DATA_DIR/www/img (kept and reused while they match)
# ---------------------------------------------------------------------------------------------
log "building bench/ImageResize"
(cd "$repo_root" && dotnet build bench/ImageResize -c Release -o "$tmp/imageresize" --nologo) >"$RESULTS_DIR/logs/imageresize-build.log" 2>&1 ||
    { tail -n 30 "$RESULTS_DIR/logs/imageresize-build.log" >&2; die "building bench/ImageResize failed"; }
imageresize=$tmp/imageresize/ImageResize

www=$DATA_DIR/www
img=$www/img
stamp=$DATA_DIR/dataset.txt
want_stamp="photos n=$DATASET_N seed=16 v1"
if [[ -f $stamp && $(cat "$stamp") == "$want_stamp" && $(find "$img" -maxdepth 1 -name '*.jpg' | wc -l) -eq $DATASET_N ]]; then
    log "reusing $DATASET_N pictures in $img"
else
    log "generating $DATASET_N pictures in $img"
    rm -rf "$www" "$stamp"
    mkdir -p "$img"
    "$imageresize" generate "$img" "$DATASET_N" 16 >"$RESULTS_DIR/logs/generate.log" 2>&1 ||
        { tail -n 20 "$RESULTS_DIR/logs/generate.log" >&2; die "generating pictures failed"; }
    echo "$want_stamp" >"$stamp"
fi
chmod -R a+rX "$DATA_DIR"
mapfile -t names < <(cd "$img" && find . -maxdepth 1 -name '*.jpg' -printf '%P\n' | LC_ALL=C sort)
((${#names[@]} == DATASET_N)) || die "expected $DATASET_N pictures in $img, found ${#names[@]}"
input_bytes=$(du -sb "$img" | cut -f1)
# Warm the page cache: both haul (through nginx) and the floor read the same files from memory.
find "$img" -type f -print0 | xargs -0 cat >/dev/null

free_port() {
    local p
    for _ in $(seq 200); do
        p=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
    done
    die "could not find a free port"
}

start_nginx() {
    local port=$1 ngx=$tmp/nginx user_line=
    mkdir -p "$ngx"
    # As root, nginx would switch its workers to 'nobody'; keep them as the current user.
    if [[ $(id -u) -eq 0 ]]; then user_line="user $(id -un) $(id -gn);"; fi
    cat >"$ngx/nginx.conf" <<NGINX
$user_line
worker_processes 1;
daemon off;
pid $ngx/nginx.pid;
error_log $ngx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    types { image/jpeg jpg; }
    client_body_temp_path $ngx/client_body;
    proxy_temp_path $ngx/proxy;
    fastcgi_temp_path $ngx/fastcgi;
    uwsgi_temp_path $ngx/uwsgi;
    scgi_temp_path $ngx/scgi;
    server { listen 127.0.0.1:$port; root $www; location / { } }
}
NGINX
    nginx -e "$ngx/error.log" -p "$ngx" -c "$ngx/nginx.conf" -t >"$ngx/configtest.log" 2>&1 ||
        { cat "$ngx/configtest.log" >&2; die "nginx rejected its configuration"; }
    nginx -e "$ngx/error.log" -p "$ngx" -c "$ngx/nginx.conf" >>"$ngx/stdout.log" 2>&1 &
    nginx_pid=$!
    for _ in $(seq 100); do
        if ! kill -0 "$nginx_pid" 2>/dev/null; then wait "$nginx_pid" 2>/dev/null || true; nginx_pid=; return 1; fi
        if curl -fsS -o /dev/null "http://127.0.0.1:$port/img/${names[0]}" 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    return 1
}

port=
for attempt in 1 2 3 4 5; do
    candidate=$(free_port)
    if start_nginx "$candidate"; then port=$candidate; break; fi
    log "nginx did not come up on port $candidate (attempt $attempt)"
    if [[ -n $nginx_pid ]]; then kill -QUIT "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; nginx_pid=; fi
done
[[ -n $port ]] || die "nginx could not start"
log "nginx (pid $nginx_pid) serving $www on http://127.0.0.1:$port/"

csv=$tmp/urls.csv
{
    echo "url,caption"
    for name in "${names[@]}"; do printf 'http://127.0.0.1:%d/img/%s,"a generated photo, %s"\n' "$port" "$name" "${name%.jpg}"; done
} >"$csv"

# ---------------------------------------------------------------------------------------------
# haul: publish once (Release), or HAUL_BIN
# ---------------------------------------------------------------------------------------------
if [[ -n ${HAUL_BIN:-} ]]; then
    haul=$HAUL_BIN
    [[ -x $haul ]] || die "HAUL_BIN=$haul is not executable"
else
    log "publishing src/Haul.Cli (Release)"
    (cd "$repo_root" && dotnet publish src/Haul.Cli -c Release -o "$tmp/haul" --nologo) >"$RESULTS_DIR/logs/publish.log" 2>&1 ||
        { tail -n 30 "$RESULTS_DIR/logs/publish.log" >&2; die "dotnet publish failed"; }
    haul=$tmp/haul/haul
fi

# Arithmetic on decimals (GNU time's seconds): "1.5 + 2" or "1.5 < 2" (1 or 0).
calc() { awk "BEGIN { x = $1; if (x == int(x) && x ~ /^[01]$/) print x; else printf \"%.2f\", x }"; }

# One timed command: "wall user system maxrss_kib" on the last line of $2.
timed() {
    local timing=$1
    shift
    timeout "$RUN_TIMEOUT" /usr/bin/time -f '%e %U %S %M' -o "$timing" "$@"
}

# Verifies a haul output folder; prints nothing and returns 0 when it is right.
verify() {
    local out=$1 shards expected_shards members first listing ok=0
    expected_shards=$(((DATASET_N + DATASET_SHARD - 1) / DATASET_SHARD))
    shards=$(find "$out" -maxdepth 1 -name '*.tar' | wc -l)
    [[ $shards -eq $expected_shards ]] || { log "verify: $shards tars, expected $expected_shards"; return 1; }
    [[ $(find "$out" -maxdepth 1 -name '*_stats.json' | wc -l) -eq $expected_shards ]] || { log "verify: stats files missing"; return 1; }
    if find "$out" -maxdepth 1 -name '*.tmp' | grep -q .; then log "verify: temporaries left"; return 1; fi
    ok=$(cat "$out"/*_stats.json | grep -o '"successes": *[0-9]*' | grep -o '[0-9]*$' | awk '{ s += $1 } END { print s + 0 }')
    [[ $ok -eq $DATASET_N ]] || { log "verify: $ok successes, expected $DATASET_N"; return 1; }
    listing=$tmp/members.txt
    : >"$listing"
    for tarfile in $(find "$out" -maxdepth 1 -name '*.tar' | LC_ALL=C sort); do tar -tf "$tarfile" >>"$listing"; done
    members=$(wc -l <"$listing")
    [[ $members -eq $((3 * DATASET_N)) ]] || { log "verify: $members members, expected $((3 * DATASET_N))"; return 1; }
    # Key order: each key's members together, keys rising (a shard's members are key.jpg, key.txt, key.json).
    if ! sed 's/\..*$//' "$listing" | uniq | LC_ALL=C sort -c 2>/dev/null; then log "verify: members not in key order"; return 1; fi
    local check=$tmp/check
    rm -rf "$check" && mkdir -p "$check"
    first=$(find "$out" -maxdepth 1 -name '*.tar' | LC_ALL=C sort | head -n 1)
    tar -xf "$first" -C "$check" --wildcards '*.jpg'
    local n=0
    for member in $(find "$check" -name '*.jpg' | shuf -n "$SAMPLE" --random-source=<(yes)); do
        local size
        size=$(vipsheader -f width "$member")x$(vipsheader -f height "$member")
        [[ $size == "${SIZE}x${SIZE}" ]] || { log "verify: $(basename "$member") is $size, not ${SIZE}x${SIZE}"; return 1; }
        n=$((n + 1))
    done
    ((n > 0)) || { log "verify: no picture to decode"; return 1; }
    rm -rf "$check"
}

best_haul= best_floor= haul_line= floor_line=
for ((round = 1; round <= ROUNDS; round++)); do
    out=$out_base/haul-$round
    log "round $round: haul dataset ($DATASET_N samples, shards of $DATASET_SHARD, -j $J)"
    sync
    extra=()
    if [[ -n ${PROCESSES:-} ]]; then extra+=(--processes-count "$PROCESSES"); fi
    if ! timed "$tmp/haul.time" "$haul" dataset "$csv" --input-format csv --caption-col caption -d "$out" \
        --image-size "$SIZE" --number-sample-per-shard "$DATASET_SHARD" -j "$J" --max-per-host "$J" "${extra[@]}" \
        >"$RESULTS_DIR/logs/haul-$round.out" 2>"$RESULTS_DIR/logs/haul-$round.err"; then
        tail -n 20 "$RESULTS_DIR/logs/haul-$round.err" >&2
        die "haul dataset failed (log: $RESULTS_DIR/logs/haul-$round.err)"
    fi
    verify "$out" || die "haul's output did not verify"
    read -r wall user sys rss <"$tmp/haul.time"
    log "  haul: ${wall}s wall, $(calc "$user + $sys")s CPU, peak RSS $((rss / 1024)) MiB"
    if [[ -z $best_haul ]] || [[ $(calc "$wall < $best_haul") == 1 ]]; then best_haul=$wall; haul_line="$wall $user $sys $rss"; fi
    rm -rf "$out"

    floor=$out_base/floor-$round
    mkdir -p "$floor"
    log "round $round: vipsthumbnail (floor), $cores in parallel"
    sync
    timed "$tmp/floor.time" bash -c 'cd "$1" && find . -maxdepth 1 -name "*.jpg" -printf "%P\0" | xargs -0 -P "$2" -n 64 vipsthumbnail -s "$3" -o "$4/%s.jpg[Q=95,strip]"' \
        _ "$img" "$cores" "$SIZE" "$floor" >"$RESULTS_DIR/logs/floor-$round.log" 2>&1 ||
        { tail -n 20 "$RESULTS_DIR/logs/floor-$round.log" >&2; die "vipsthumbnail failed"; }
    made=$(find "$floor" -name '*.jpg' | wc -l)
    [[ $made -eq $DATASET_N ]] || die "vipsthumbnail made $made pictures, expected $DATASET_N"
    read -r wall user sys rss <"$tmp/floor.time"
    log "  floor: ${wall}s wall, $(calc "$user + $sys")s CPU"
    if [[ -z $best_floor ]] || [[ $(calc "$wall < $best_floor") == 1 ]]; then best_floor=$wall; floor_line="$wall $user $sys $rss"; fi
    rm -rf "$floor"
done

read -r h_wall h_user h_sys h_rss <<<"$haul_line"
read -r f_wall f_user f_sys _ <<<"$floor_line"
rate() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
h_rate=$(rate "$DATASET_N" "$h_wall")
f_rate=$(rate "$DATASET_N" "$f_wall")
load=$(cut -d' ' -f1-3 /proc/loadavg)
summary=$RESULTS_DIR/summary.md
{
    echo "haul dataset: $DATASET_N photos (640x480 to 3000x2000, $((input_bytes / 1024 / 1024)) MiB) to ${SIZE}px webdataset, shards of $DATASET_SHARD, $cores cores, load average $load"
    echo
    echo "| run | wall s | CPU s | samples/s | samples/s per core | samples per CPU-s | peak RSS MiB |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    printf '| haul dataset | %s | %s | %s | %s | %s | %s |\n' "$h_wall" "$(calc "$h_user + $h_sys")" "$h_rate" "$(rate "$h_rate" "$cores")" \
        "$(rate "$DATASET_N" "$(calc "$h_user + $h_sys")")" "$((h_rss / 1024))"
    printf '| vipsthumbnail (floor) | %s | %s | %s | %s | %s | |\n' "$f_wall" "$(calc "$f_user + $f_sys")" "$f_rate" "$(rate "$f_rate" "$cores")" \
        "$(rate "$DATASET_N" "$(calc "$f_user + $f_sys")")"
    echo
    echo "haul / floor (wall): $(awk -v a="$h_rate" -v b="$f_rate" 'BEGIN { printf "%.2f", a / b }')"
} >"$summary"

if [[ $COMPARE == 1 ]]; then
    log "libvips against SkiaSharp on the first $COMPARE_N pictures, in process"
    {
        echo
        echo '```'
        "$imageresize" compare "$img" "$SIZE" "$cores" "$COMPARE_N"
        echo '```'
    } >>"$summary" 2>"$RESULTS_DIR/logs/compare.err" || { tail -n 20 "$RESULTS_DIR/logs/compare.err" >&2; die "the comparison failed"; }
fi

cat "$summary"
log "results in $RESULTS_DIR"
