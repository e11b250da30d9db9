#!/usr/bin/env bash
# Time to import 10,000 action-plan rows in one request (the nightly sync of a regional
# system), then to import them again unchanged. SQLite by default (a temporary file);
# DATABASE_URL=postgres://… for PostgreSQL (use a scratch database).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --bin cemr-api >/dev/null
bin="$PWD/target/release/cemr-api"
work=$(mktemp -d)
port=${PORT:-18302}
url=${DATABASE_URL:-sqlite://$work/bench.sqlite}
secret=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
(cd "$work" && exec env JWT_SECRET="$secret" APP_ENV=production "$bin" --database-url "$url" --bind "127.0.0.1:$port" --log-level warn) &
pid=$!
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.05; done
JWT_SECRET="$secret" python3 bench/import_rows.py "http://127.0.0.1:$port" "${ROWS:-10000}"
echo "server resident memory: $(awk '/VmRSS/ {print $2, $3}' "/proc/$pid/status")"
