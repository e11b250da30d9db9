#!/usr/bin/env bash
# Credential attacks against the release binary behind a (simulated) proxy: the issue's
# 200-logins-per-request batches, a password-guessing run against one account from
# rotating addresses, the owner logging in with its device token meanwhile, and junk
# API tokens from one address. Reports how many guesses were checked and how many junk
# tokens cost a lookup. DURATION (default 60 s) is the guessing run's length;
# DATABASE_URL=postgres://… runs it on PostgreSQL. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --bin cemr-api >/dev/null
bin="$PWD/target/release/cemr-api"
work=$(mktemp -d)
port=${PORT:-18304}
url=${DATABASE_URL:-sqlite://$work/credentials.sqlite}
secret=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
password=$(head -c 24 /dev/urandom | base64 | tr -d '\n')
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
export JWT_SECRET="$secret" APP_ENV=production TRUST_FORWARDED_FOR=true LOGIN_FAILURE_DELAY_MS=400
(cd "$work" && CEMR_USER_PASSWORD="$password" "$bin" --database-url "$url" --log-level warn \
  user create --role admin --email owner@skr.se >/dev/null)
(cd "$work" && exec "$bin" --database-url "$url" --bind "127.0.0.1:$port" --log-level warn) &
pid=$!
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.05; done
OWNER_PASSWORD="$password" python3 bench/credentials.py "http://127.0.0.1:$port" "${DURATION:-60}"
