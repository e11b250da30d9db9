#!/usr/bin/env bash
# p50/p95 latency of a 100-item signatories page nested four levels deep, over the demo
# register. SQLite by default (a temporary file); set DATABASE_URL=postgres://… to run
# on PostgreSQL (created if missing; use a scratch database: the demo data is loaded).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --bin cemr-api >/dev/null
bin="$PWD/target/release/cemr-api"
work=$(mktemp -d)
port=${PORT:-18301}
url=${DATABASE_URL:-sqlite://$work/bench.sqlite}
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
(cd "$work" && exec "$bin" --database-url "$url" --bind "127.0.0.1:$port" --log-level warn --demo) &
pid=$!
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.05; done
python3 bench/nested_page.py "http://127.0.0.1:$port/graphql" "${REQUESTS:-200}"
