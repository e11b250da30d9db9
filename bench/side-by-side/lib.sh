# shellcheck shell=bash
# Helpers for run-side-by-side.sh.
# Source it from a script that runs with `set -euo pipefail`. It sets no
# traps: each script cleans up, by PID, only what it started itself.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# ---- knobs (environment) -------------------------------------------------
THREADS=${THREADS:-2}          # wrk threads
CONNS=${CONNS:-32}             # wrk connections
DURATION=${DURATION:-15s}      # measured run per workload
WARMUP=${WARMUP:-5s}           # unmeasured run before it ("0" to skip)
WRK_CHECK=${WRK_CHECK:-1}      # 0: post.lua skips the per-response body check (less wrk CPU)
export WRK_CHECK
REPEAT=${REPEAT:-1}            # measured runs per workload; the table shows the median (by req/s)
WRK_TIMEOUT=${WRK_TIMEOUT:-10s}
PIN=${PIN:-1}                  # 1: wrk on CPU_LOADGEN, servers on CPU_SERVER
CPU_LOADGEN=${CPU_LOADGEN:-0}
CPU_SERVER=${CPU_SERVER:-1}
RESULTS_DIR=${RESULTS_DIR:-/tmp/bench-results}
QUIET_WAIT=${QUIET_WAIT:-0}    # seconds to wait for an idle machine before each workload
QUIET_MAX_PCT=${QUIET_MAX_PCT:-10}  # "idle": at most this % of all cores busy
# PIDs of the server under test (its process trees are summed for srv_ms/req)
SERVER_PIDS=${SERVER_PIDS:-}

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

need() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || die "missing command '$c' (Debian: apt-get install $c)"
  done
}

# Pinning: on this 2-core machine the load generator would otherwise compete
# with the server for the same cores. PIN=1 gives each side one core.
if [[ "$PIN" == 1 ]] && command -v taskset >/dev/null 2>&1 && (( $(nproc) >= 2 )); then
  PIN_LOADGEN=(taskset -c "$CPU_LOADGEN")
  PIN_SERVER=(taskset -c "$CPU_SERVER")
else
  PIN=0
  PIN_LOADGEN=()
  PIN_SERVER=()
fi

# ---- ports -----------------------------------------------------------------
port_free() {
  python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do: TIME_WAIT is no conflict
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
EOF
}

# pick_port START -> first free loopback port in START..START+99
pick_port() {
  local p
  for (( p = $1; p < $1 + 100; p++ )); do
    if port_free "$p"; then echo "$p"; return 0; fi
  done
  die "no free port in $1..$(( $1 + 99 ))"
}

# wait_http URL BODY_FILE SECONDS: until a POST answers 200
wait_http() {
  local url=$1 body=$2 secs=$3 i code
  for (( i = 0; i < secs * 4; i++ )); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
           --data-binary @"$body" "$url" 2>/dev/null || true)
    [[ "$code" == 200 ]] && return 0
    sleep 0.25
  done
  return 1
}

# Only loopback targets: a load test never leaves this machine.
check_loopback_url() {
  local hostport host
  hostport=${1#*://}
  hostport=${hostport%%/*}
  if [[ "$hostport" == \[* ]]; then host=${hostport%%]*}]; else host=${hostport%%:*}; fi
  case "$host" in
    127.*|localhost|'[::1]') ;;
    *) die "refusing to load-test '$host': only loopback targets (127.0.0.0/8, localhost, [::1])" ;;
  esac
}

# ---- throwaway PostgreSQL cluster -------------------------------------------
PG_BIN=${PG_BIN:-$(pg_config --bindir 2>/dev/null || true)}
PG_OS_USER=${PG_OS_USER:-postgres}
PG_TMP=""
PG_PORT=""
PG_PID=""
PG_AS=()
export DB_URL=""               # set by pg_cluster_create

# pg_cluster_create START_PORT: initdb in a new /tmp/bench-pg.* folder, start it
# on 127.0.0.1 (pinned to CPU_SERVER), create database "bench". Sets PG_TMP,
# PG_PORT, PG_PID, DB_URL.
pg_cluster_create() {
  [[ -x "$PG_BIN/initdb" ]] || die "PostgreSQL binaries not found (set PG_BIN to the folder with initdb)"
  local as_pg=()
  if [[ $(id -u) == 0 ]]; then
    id "$PG_OS_USER" >/dev/null 2>&1 || die "user '$PG_OS_USER' missing (set PG_OS_USER to a non-root user)"
    as_pg=(runuser -u "$PG_OS_USER" --)
  fi
  PG_AS=("${as_pg[@]}")
  PG_TMP=$(mktemp -d /tmp/bench-pg.XXXXXX)
  if [[ $(id -u) == 0 ]]; then chown "$PG_OS_USER" "$PG_TMP"; fi
  PG_PORT=$(pick_port "$1")
  log "initdb in $PG_TMP (port $PG_PORT)"
  "${as_pg[@]}" "$PG_BIN/initdb" -D "$PG_TMP/data" -U postgres --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >"$PG_TMP/initdb.log" 2>&1 \
    || { cat "$PG_TMP/initdb.log" >&2; die "initdb failed"; }
  # throwaway cluster: durability off (the workload is read-only anyway)
  "${as_pg[@]}" "${PIN_SERVER[@]}" "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/postgres.log" \
      -w -t 60 -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PG_TMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null || { cat "$PG_TMP/postgres.log" >&2; die "postgres did not start"; }
  PG_PID=$(head -1 "$PG_TMP/data/postmaster.pid")
  "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 \
      -c "CREATE DATABASE bench" >/dev/null
  DB_URL="postgres://postgres@127.0.0.1:$PG_PORT/bench"
  log "postgres $("$PG_BIN/postgres" --version | awk '{print $3}') up, pid $PG_PID"
}

psql_bench() {
  "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d bench -v ON_ERROR_STOP=1 -q "$@"
}

# Stops the cluster this script created (by its postmaster PID) and removes it.
pg_cluster_destroy() {
  [[ -n "$PG_TMP" ]] || return 0
  if [[ -n "$PG_PID" ]] && kill -0 "$PG_PID" 2>/dev/null; then
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
      || kill -TERM "$PG_PID" 2>/dev/null || true
    local i
    for (( i = 0; i < 50; i++ )); do kill -0 "$PG_PID" 2>/dev/null || break; sleep 0.1; done
  fi
  case "$PG_TMP" in
    /tmp/bench-pg.*) rm -rf -- "$PG_TMP" ;;
  esac
  PG_TMP=""
  PG_PID=""
}

# ---- load generation -----------------------------------------------------------
CLK_TCK=$(getconf CLK_TCK)

# machine_ticks -> "busy total" jiffies summed over all CPUs (from /proc/stat)
machine_ticks() {
  awk '$1 == "cpu" { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat
}

# tree_ticks PID... -> CPU jiffies (user+sys) used so far by these processes,
# their live descendants, and their reaped children.
tree_ticks() {
  (( $# )) || { echo 0; return; }
  python3 - "$@" <<'EOF'
import os, sys
procs = {}
for d in os.listdir("/proc"):
    if not d.isdigit():
        continue
    try:
        raw = open(f"/proc/{d}/stat").read()
    except OSError:
        continue
    f = raw[raw.rindex(")") + 2:].split()
    # f[1]=ppid, f[11]=utime, f[12]=stime, f[13]=cutime, f[14]=cstime
    procs[int(d)] = (int(f[1]), int(f[11]) + int(f[12]), int(f[13]) + int(f[14]))
roots = [int(p) for p in sys.argv[1:] if int(p) in procs]
seen, todo, total = set(), list(roots), 0
while todo:
    p = todo.pop()
    if p in seen:
        continue
    seen.add(p)
    total += procs[p][1] + (procs[p][2] if p in roots else 0)
    todo += [c for c, v in procs.items() if v[0] == p]
print(total)
EOF
}

# per_pid_ticks -> CPU jiffies of each SERVER_PIDS tree, space separated
per_pid_ticks() {
  local p ticks=()
  for p in $SERVER_PIDS; do ticks+=("$(tree_ticks "$p")"); done
  echo "${ticks[*]}"
}

# wait_quiet: report (and with QUIET_WAIT>0, wait for) an idle machine. This
# machine may be shared: other jobs compiling during a run skew the numbers.
wait_quiet() {
  local waited=0 a b pct
  while :; do
    a=$(machine_ticks); sleep 2; b=$(machine_ticks)
    pct=$(awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ");
      d = y[2] - x[2]; printf "%.0f", (d > 0 ? 100 * (y[1] - x[1]) / d : 0) }')
    if (( pct <= QUIET_MAX_PCT )); then return 0; fi
    if (( waited >= QUIET_WAIT )); then
      log "WARNING: machine ${pct}% busy before the run (other processes); numbers may be skewed"
      return 0
    fi
    log "machine ${pct}% busy; waiting for it to calm down (${waited}/${QUIET_WAIT}s)"
    sleep 8; waited=$(( waited + 10 ))
  done
}

# check_body URL BODY OUT: one request; must be HTTP 200 with data and no errors
check_body() {
  local url=$1 body=$2 out=$3 code
  code=$(curl -sS -o "$out" -w '%{http_code}' -H 'Content-Type: application/json' \
         -H 'Accept: application/json' --data-binary @"$body" "$url") || return 1
  if [[ "$code" != 200 ]]; then
    log "HTTP $code from $(basename "$body"): $(head -c 400 "$out")"
    return 1
  fi
  python3 - "$out" <<'EOF'
import json, sys
try:
    doc = json.load(open(sys.argv[1], encoding="utf-8"))
except ValueError as e:
    sys.exit(f"not JSON: {e}")
if doc.get("errors"):
    sys.exit("GraphQL errors: " + json.dumps(doc["errors"], ensure_ascii=False)[:600])
data = doc.get("data")
if not isinstance(data, dict) or not data or all(v in (None, [], {}) for v in data.values()):
    sys.exit("no data in response: " + json.dumps(doc, ensure_ascii=False)[:300])
EOF
}

# run_workloads URL QUERY_DIR LABEL: preflight, warm up and measure every
# QUERY_DIR/*.json body; prints the table and writes RESULTS_DIR/LABEL-*.tsv
# (one row per measured run) next to the wrk outputs and sample responses.
run_workloads() {
  local url=$1 qdir=$2 label=$3
  need wrk curl python3
  check_loopback_url "$url"
  [[ "$REPEAT" =~ ^[1-9][0-9]*$ ]] || die "REPEAT must be a positive integer"
  local bodies=()
  mapfile -t bodies < <(find "$qdir" -maxdepth 1 -name '*.json' -type f | sort)
  (( ${#bodies[@]} > 0 )) || die "no *.json bodies in $qdir"
  mkdir -p "$RESULTS_DIR"
  local stamp tsv body name out line failed=0 bytes run
  local m0 m1 s0 s1 wrk_cpu wrkout
  stamp=$(date +%Y%m%d-%H%M%S)
  tsv="$RESULTS_DIR/$label-$stamp.tsv"
  printf 'workload\trun\treq_s\tp50_ms\tp90_ms\tp99_ms\tmax_ms\terrors\trequests\tresp_bytes\tsrv_cpu_ms_req\tcpu_split_ms\tsrv_cores\twrk_cores\tother_cpu_pct\n' >"$tsv"
  log "target $url, wrk -t$THREADS -c$CONNS -d$DURATION (warm-up $WARMUP, $REPEAT run(s)), pinning: $([[ $PIN == 1 ]] && echo "wrk on CPU $CPU_LOADGEN, server on CPU $CPU_SERVER" || echo off)"
  for body in "${bodies[@]}"; do
    name=$(basename "$body" .json)
    out="$RESULTS_DIR/$label-$stamp-$name.response.json"
    if ! check_body "$url" "$body" "$out"; then
      log "$name: preflight FAILED (response kept in $out)"
      printf '%s\t-\tFAILED\n' "$name" >>"$tsv"
      failed=1
      continue
    fi
    bytes=$(stat -c %s "$out")
    if [[ "$WARMUP" != 0 ]]; then
      "${PIN_LOADGEN[@]}" wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" --timeout "$WRK_TIMEOUT" \
          -s "$BENCH_DIR/post.lua" "$url" -- "$body" >/dev/null
    fi
    for (( run = 1; run <= REPEAT; run++ )); do
      wait_quiet
      wrkout="$RESULTS_DIR/$label-$stamp-$name-$run.wrk.txt"
      s0=$(per_pid_ticks); m0=$(machine_ticks)
      { TIMEFORMAT='%U %S'; time "${PIN_LOADGEN[@]}" wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" \
          --timeout "$WRK_TIMEOUT" --latency -s "$BENCH_DIR/post.lua" "$url" -- "$body" >"$wrkout"; } 2>"$wrkout.time"
      s1=$(per_pid_ticks); m1=$(machine_ticks)
      wrk_cpu=$(tail -1 "$wrkout.time")
      line=$(grep '^RESULT ' "$wrkout") || die "wrk printed no RESULT line (see $wrkout)"
      python3 - "$name" "$run" "$bytes" "$line" "$s0" "$s1" "$m0" "$m1" "$wrk_cpu" "$CLK_TCK" >>"$tsv" <<'EOF'
import sys
name, run, size, line, s0, s1, m0, m1, wrk_cpu, hz = sys.argv[1:11]
kv = dict(p.split("=", 1) for p in line.split()[1:])
ms = lambda k: f"{int(kv[k]) / 1000:.2f}"
errors = sum(int(kv[k]) for k in ("bad_status", "gql_errors", "connect", "read", "write", "timeout"))
hz = int(hz)
secs = int(kv["duration_us"]) / 1e6
reqs = int(kv["requests"])
per = [(int(b) - int(a)) / hz for a, b in zip(s0.split(), s1.split())]  # CPU s per server PID tree
srv = sum(per)
busy0, tot0 = map(int, m0.split()); busy1, tot1 = map(int, m1.split())
core_secs = (tot1 - tot0) / hz                   # core-seconds elapsed on the machine
wrk = sum(float(x) for x in wrk_cpu.split())     # load generator CPU seconds
other = (busy1 - busy0) / hz - wrk - srv         # everything else (other jobs, softirq)
have = bool(per) and reqs > 0
print("\t".join([
    name, run, f"{float(kv['rps']):.1f}", ms("p50_us"), ms("p90_us"), ms("p99_us"), ms("max_us"),
    str(errors), kv["requests"], size,
    f"{1000 * srv / reqs:.3f}" if have else "-",
    "+".join(f"{1000 * x / reqs:.3f}" for x in per) if have and len(per) > 1 else "-",
    f"{srv / secs:.2f}" if have else "-",
    f"{wrk / secs:.2f}",
    f"{max(0.0, 100 * other / core_secs):.0f}" if have and core_secs else "-",
]))
EOF
      log "$name run $run: $(tail -1 "$tsv" | cut -f3) req/s"
    done
  done
  echo
  echo "== $label: $url  (wrk -t$THREADS -c$CONNS -d$DURATION, warm-up $WARMUP, pin=$PIN$( ((REPEAT > 1)) && echo ", median of $REPEAT runs")) =="
  python3 - "$tsv" <<'EOF'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")]
head, rows = rows[0], rows[1:]
out, order = {}, []
for r in rows:
    if r[0] not in out:
        order.append(r[0]); out[r[0]] = []
    out[r[0]].append(r)
table = [[h for i, h in enumerate(head) if i != 1]]
for name in order:
    runs = out[name]
    ok = [r for r in runs if r[2] != "FAILED"]
    if not ok:
        table.append([name, "FAILED"] + [""] * (len(head) - 3)); continue
    ok.sort(key=lambda r: float(r[2]))
    med = ok[(len(ok) - 1) // 2]
    table.append([c for i, c in enumerate(med) if i != 1])
w = [max(len(r[i]) if i < len(r) else 0 for r in table) for i in range(len(table[0]))]
for r in table:
    print("  ".join((r[i] if i < len(r) else "").rjust(w[i]) if i else r[i].ljust(w[i])
                    for i in range(len(w))))
EOF
  echo "(all runs: $tsv)"
  return $failed
}
