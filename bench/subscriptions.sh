#!/usr/bin/env bash
# GraphQL subscriptions on the release binary, with the graphql-ws client conformance/
# locks (bench/subscriptions.mjs):
# - latency: one subscriber, MUTATIONS (200) mutations INTERVAL_MS (20) apart; commit →
#   client and mutation sent → client, p50/p95/max;
# - capacity: LEVELS (1000,5000,10000) concurrent subscriptions, PER_SOCKET (10) on each
#   WebSocket, EVENTS (20) events each must receive, and the server's VmRSS/VmHWM.
# SQLite by default (a temporary file); DATABASE_URL=postgres://… for PostgreSQL (a
# scratch database: dropped and created again). MODE=latency or MODE=capacity runs one.
# BIN=path runs that binary instead of building the release one.
# The per-connection and per-client limits are raised for the capacity run, and the
# file-descriptor limit is raised to its hard limit (each socket is one descriptor on
# each side).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${BIN:-}" ]]; then
  cargo build --release --locked --bin cemr-api >/dev/null
fi
bin=$(realpath "${BIN:-target/release/cemr-api}")
work=$(mktemp -d)
port=${PORT:-18306}
levels=${LEVELS:-1000,5000,10000}
per_socket=${PER_SOCKET:-10}
secret=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
(cd conformance && [[ -d node_modules/graphql-ws ]] || npm ci --no-audit --no-fund >/dev/null)

ulimit -n "$(ulimit -Hn)"
most=${levels##*,}
sockets=$(( (most + per_socket - 1) / per_socket ))
if (( sockets + 100 > $(ulimit -n) )); then
  echo "$sockets sockets need more file descriptors than ulimit -n allows ($(ulimit -n)); raise PER_SOCKET" >&2
  exit 1
fi

if [[ -n "${DATABASE_URL:-}" ]]; then
  url=$DATABASE_URL
  admin=${url%/*}/postgres
  name=${url##*/}
  psql -q "$admin" -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"
else
  url="sqlite://$work/bench.sqlite"
fi

(cd "$work" && exec env JWT_SECRET="$secret" APP_ENV=production \
  SUBSCRIPTIONS_PER_CONNECTION="$per_socket" SUBSCRIPTIONS_PER_CLIENT=$(( most + 100 )) \
  SUBSCRIPTION_SOCKETS_PER_CLIENT=$(( sockets + 100 )) \
  "$bin" --database-url "$url" --bind "127.0.0.1:$port" --log-level warn \
  --rate-limit-per-minute 0) &
pid=$!
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.05; done
token=$(JWT_SECRET="$secret" python3 -c 'import sys; sys.path.insert(0, "bench"); import os, import_rows; print(import_rows.token(os.environ["JWT_SECRET"]))')

echo "engine: ${url%%:*}, server pid $pid, ulimit -n $(ulimit -n)"
if [[ "${MODE:-both}" != capacity ]]; then
  echo "== latency"
  node bench/subscriptions.mjs latency "http://127.0.0.1:$port" "$token" "${MUTATIONS:-200}" "${INTERVAL_MS:-20}"
fi
if [[ "${MODE:-both}" != latency ]]; then
  echo "== capacity ($per_socket subscriptions per socket)"
  node bench/subscriptions.mjs capacity "http://127.0.0.1:$port" "$token" "$levels" "$per_socket" "${EVENTS:-20}" "$pid"
fi
