#!/usr/bin/env bash
# Imports in one request (the nightly sync of a regional system), per kind and size: a
# dry run, the first import, the same again unchanged, each with a one-row write sent
# every 100 ms meanwhile (the slowest is reported). Each kind and size runs on a fresh
# server and database; the server's peak resident memory (VmHWM) is reported after each.
# SQLite by default (a temporary file); DATABASE_URL=postgres://… for PostgreSQL (a
# scratch database: it is dropped and created again for each size).
# ROWS="10000 100000" and KINDS="action-plans follow-ups programme-participations" by
# default; IMPORT_MAX_ROWS (100,000 by default) is passed on to the server. After each
# kind, the server's own account of every import it wrote: how long it prepared the rows
# (outside any transaction), waited for the write lock, and held it (`transaction_ms`).
# BIN: a prebuilt binary instead of building target/release/cemr-api.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${BIN:-}" ]]; then
  cargo build --release --locked --bin cemr-api >/dev/null
fi
bin=$(realpath "${BIN:-target/release/cemr-api}")
work=$(mktemp -d)
port=${PORT:-18302}
secret=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
for rows in ${ROWS:-10000 100000}; do
for kind in ${KINDS:-action-plans follow-ups programme-participations}; do
  if [[ -n "${DATABASE_URL:-}" ]]; then
    url=$DATABASE_URL
    admin=${url%/*}/postgres
    name=${url##*/}
    psql -q "$admin" -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"
  else
    rm -f "$work"/bench.sqlite*
    url="sqlite://$work/bench.sqlite"
  fi
  (cd "$work" && exec env JWT_SECRET="$secret" APP_ENV=production "$bin" --database-url "$url" \
    --bind "127.0.0.1:$port" --log-level info --rate-limit-per-minute 0 2>"$work/server.log" >&2) &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.05; done
  JWT_SECRET="$secret" python3 bench/import_rows.py "http://127.0.0.1:$port" "$kind" "$rows"
  echo "server memory: peak $(awk '/VmHWM/ {print $2, $3}' "/proc/$pid/status"), now $(awk '/VmRSS/ {print $2, $3}' "/proc/$pid/status")"
  sed 's/\x1b\[[0-9;]*m//g' "$work/server.log" | grep 'import written' | grep -v ' rows=1 ' \
    | grep -o 'rows=.*' | sed 's/^/  server: /' || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
done
