#!/usr/bin/env bash
# Time from start to ready on the embedded SQLite default (first start: creates, migrates
# and seeds the file; second start: an existing file), and resident memory at idle.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --bin cemr-api >/dev/null
bin="$PWD/target/release/cemr-api"
work=$(mktemp -d)
port=${PORT:-18300}
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

measure() {
  local start end
  start=$(date +%s%N)
  (cd "$work" && exec "$bin" --bind "127.0.0.1:$port" --log-level warn) &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.005; done
  end=$(date +%s%N)
  echo "$1: ready after $(( (end - start) / 1000000 )) ms"
}

measure "first start (create, migrate, seed)"
sleep 5
echo "idle resident memory: $(awk '/VmRSS/ {print $2, $3}' "/proc/$pid/status")"
kill "$pid"; wait "$pid" 2>/dev/null || true
measure "second start (existing database)"
kill "$pid"; wait "$pid" 2>/dev/null || true
