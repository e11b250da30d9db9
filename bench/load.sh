#!/usr/bin/env bash
# A mixed read/write load against the release binary over the demo register: GraphQL
# reads (a nested 20-item page), REST reads (a 50-item signatory page) and GraphQL
# writes (follow-up reports, each a transaction with its audit entry), concurrently.
# Reports throughput, latency percentiles and errors per stream, and the server's
# resident memory before, during (every 30 s) and after. DURATION=300 makes it a soak.
# Installs the load generator `oha` with cargo when it is missing. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v oha >/dev/null || cargo install oha --locked
cargo build --release --locked --bin cemr-api >/dev/null
bin="$PWD/target/release/cemr-api"
work=$(mktemp -d)
port=${PORT:-18303}
duration=${DURATION:-60}
url=${DATABASE_URL:-sqlite://$work/load.sqlite}
secret=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
trap 'kill "${pid:-}" "${sampler:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
(cd "$work" && exec env JWT_SECRET="$secret" APP_ENV=production RATE_LIMIT_PER_MINUTE=0 \
  "$bin" --database-url "$url" --bind "127.0.0.1:$port" --log-level warn --demo) &
pid=$!
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.05; done
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
JWT_SECRET="$secret" python3 bench/load_setup.py "http://127.0.0.1:$port" "$work"
echo "resident memory before: $(rss) kB"
started=$SECONDS
(while sleep 30; do echo "resident memory at +$((SECONDS - started))s of load: $(rss) kB"; done) &
sampler=$!
base="http://127.0.0.1:$port"
oha --no-tui --output-format json -z "${duration}s" -c 8 -m POST -H 'content-type: application/json' \
  -D "$work/read.json" "$base/graphql" > "$work/graphql-read.out" &
streams=($!)
oha --no-tui --output-format json -z "${duration}s" -c 4 "$base/api/v1/signatories?limit=50" > "$work/rest-read.out" &
streams+=($!)
oha --no-tui --output-format json -z "${duration}s" -c 2 -m POST -H 'content-type: application/json' \
  -H "authorization: Bearer $(cat "$work/token")" -D "$work/write.json" "$base/graphql" > "$work/graphql-write.out" &
streams+=($!)
wait "${streams[@]}"
kill "$sampler" 2>/dev/null || true
echo "resident memory after: $(rss) kB"
python3 bench/load_report.py "$work"/graphql-read.out "$work"/rest-read.out "$work"/graphql-write.out
