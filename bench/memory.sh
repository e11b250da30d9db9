#!/usr/bin/env bash
# Resident memory of the release binary under load: idle, peak during, right after, after a
# further idle minute, and idle again in a fresh process on the data the load left. Every
# figure is the kernel's own (/proc/PID/status): VmRSS sampled every 200 ms, and VmHWM, the
# peak resident size, reset when the load starts so it covers the load only (start-up and
# demo seeding are not counted).
#
#   bench/memory.sh                                   # SQLite (a temporary file)
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/cemr_memory bench/memory.sh
#   LOAD=w1 bench/memory.sh                           # the W1 list alone, 32 connections
#
# LOAD=mixed (default): the nested 20-item GraphQL page (8 connections), a REST page of 50
# signatories (4), GraphQL writes (2) and the 100-item page nested four levels deep (2),
# concurrently. LOAD=w1: bench/side-by-side's W1 list with 32 connections.
# Knobs: DURATION (60, seconds of load), IDLE_AFTER (60, seconds of rest before the last
# figure), BIN (a prebuilt binary instead of building target/release/cemr-api), PORT.
# The server inherits the environment, so allocator settings (MALLOC_ARENA_MAX=2) and the
# service's own (DB_POOL_SIZE, HTTP_WORKERS, SQLITE_CACHE_KIB, ...) can be compared.
# PostgreSQL: use a scratch database (created if missing; the demo data is loaded).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v oha >/dev/null || cargo install oha --locked
if [[ -z "${BIN:-}" ]]; then
  cargo build --release --locked --bin cemr-api >/dev/null
fi
bin=$(realpath "${BIN:-target/release/cemr-api}")
work=$(mktemp -d)
port=${PORT:-18304}
duration=${DURATION:-60}
idle_after=${IDLE_AFTER:-60}
load=${LOAD:-mixed}
url=${DATABASE_URL:-sqlite://$work/memory.sqlite}
secret=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
trap 'kill "${pid:-}" "${sampler:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
# start_server: the release binary on $url (the demo register, loaded idempotently); sets pid.
start_server() {
  (cd "$work" && exec env JWT_SECRET="$secret" APP_ENV=production RATE_LIMIT_PER_MINUTE=0 \
    "$bin" --database-url "$url" --bind "127.0.0.1:$port" --log-level warn --demo) &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "the server exited" >&2; exit 1; }
    sleep 0.05
  done
}
start_server
base="http://127.0.0.1:$port"
JWT_SECRET="$secret" python3 bench/load_setup.py "$base" "$work"
cp bench/side-by-side/queries-cemr/w1-list.json "$work/w1.json"

# The allocator's own account (/metrics): "allocated resident" in MiB.
heap() {
  curl -sf "$base/metrics" | awk '/^allocator_bytes\{state="allocated"\}/ {a = $2}
    /^allocator_bytes\{state="resident"\}/ {r = $2} END {printf "%.1f %.1f", a / 1048576, r / 1048576}'
}
kib() { awk -v key="$1:" '$1 == key {print $2}' "/proc/$pid/status"; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f MiB", k / 1024}'; }

# Idle: the demo register loaded and the first requests answered; let start-up settle.
sleep 5
idle=$(kib VmRSS)
idle_anon=$(kib RssAnon)
idle_file=$(kib RssFile)
idle_threads=$(kib Threads)
read -r idle_allocated idle_resident <<<"$(heap)"
# "5" resets VmHWM to the current resident size (Linux 4.0+), so the peak is the load's.
echo 5 > "/proc/$pid/clear_refs" 2>/dev/null || echo "VmHWM not reset: it includes start-up" >&2
(while kill -0 "$pid" 2>/dev/null; do kib VmRSS; sleep 0.2; done) > "$work/samples" &
sampler=$!

post=(--no-tui --output-format json -z "${duration}s" -m POST -H 'content-type: application/json')
streams=()
case "$load" in
  mixed)
    oha "${post[@]}" -c 8 -D "$work/read.json" "$base/graphql" > "$work/graphql-read.out" &
    streams+=($!)
    oha --no-tui --output-format json -z "${duration}s" -c 4 "$base/api/v1/signatories?limit=50" \
      > "$work/rest-read.out" &
    streams+=($!)
    oha "${post[@]}" -c 2 -H "authorization: Bearer $(cat "$work/token")" -D "$work/write.json" \
      "$base/graphql" > "$work/graphql-write.out" &
    streams+=($!)
    oha "${post[@]}" -c 2 -D "$work/nested.json" "$base/graphql" > "$work/nested-100.out" &
    streams+=($!)
    ;;
  w1)
    oha "${post[@]}" -c 32 -D "$work/w1.json" "$base/graphql" > "$work/w1-list.out" &
    streams+=($!)
    ;;
  *) echo "LOAD must be mixed or w1" >&2; exit 2 ;;
esac
wait "${streams[@]}"
after=$(kib VmRSS)
peak_hwm=$(kib VmHWM)
peak_sampled=$(sort -n "$work/samples" | tail -1)
sleep "$idle_after"
rested=$(kib VmRSS)
rested_anon=$(kib RssAnon)
rested_file=$(kib RssFile)
rested_threads=$(kib Threads)
read -r rested_allocated rested_resident <<<"$(heap)"
kill "$sampler" 2>/dev/null || true

# The load's writes stay in the register (thousands of follow-up reports a minute), and the
# register is held in memory: a fresh process on the data the load left shows how much of
# "after" is that data rather than memory the process kept.
kill "$pid"
wait "$pid" 2>/dev/null || true
start_server
curl -sf -H 'content-type: application/json' --data-binary @"$work/read.json" "$base/graphql" >/dev/null
curl -sf "$base/api/v1/signatories?limit=50" >/dev/null
sleep 5
fresh=$(kib VmRSS)
fresh_anon=$(kib RssAnon)

engine=${url%%:*}
echo "resident memory, ${engine/postgresql/postgres}, LOAD=$load, ${duration} s of load:"
echo "  idle before:               $(mib "$idle")  (heap and stacks $(mib "$idle_anon"), mapped code and data $(mib "$idle_file"))"
echo "  peak during (VmHWM):       $(mib "$peak_hwm")  (highest 200 ms sample $(mib "$peak_sampled"))"
echo "  right after:               $(mib "$after")"
echo "  after ${idle_after} s idle:         $(mib "$rested")  (heap and stacks $(mib "$rested_anon"), mapped code and data $(mib "$rested_file"))"
echo "  threads: $idle_threads idle before, $rested_threads after the rest"
echo "  allocator (/metrics): allocated $idle_allocated MiB of resident $idle_resident MiB idle before, $rested_allocated of $rested_resident after the rest"
echo "  a fresh process on the data the load left, idle: $(mib "$fresh")  (heap and stacks $(mib "$fresh_anon"))"
python3 bench/load_report.py "$work"/*.out
