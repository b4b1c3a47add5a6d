#!/usr/bin/env bash
# The REST goals of issue 13, measured with wrk against the release binary.
#   the server (and its PostgreSQL, if any) pinned to core 0, wrk pinned to core 1;
#   demo data, 50 unique ~100 KB PDFs deposited in Marie Wéa's record by Dr Néa (care team);
#   list 50 documents (32 connections), read a 100 KB document (32), add a 100 KB PDF (8);
#   the same three through FHIR (ITI-67 search of the 50, ITI-68 Binary of 100 KB, ITI-65
#   transaction Bundle with one 100 KB PDF), same doctor, same records;
#   and, in the same run, the limits of this machine: /healthz of the same server (32
#   connections) and the raw durable SQLite commit rate on the same disk.
# Usage: scripts/bench/wrk.sh [--seconds 60] [--backend sqlite|postgres] [--binary PATH]
#                             [--label TEXT] [--data DIR --sample FILE]
#   --data/--sample: run against an existing data directory (scripts/bench/scale.sh) on the
#   records listed in FILE instead of a fresh demo directory.
# Prints one Markdown table; every throughput is also given as a share of the two limits.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

LOAD_BEFORE=$(cut -d" " -f1-3 /proc/loadavg)
SECS=60 BACKEND=sqlite BIN="" LABEL="" DATA="" SAMPLE="" HEALTH_SECS=15
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECS=$2; shift 2 ;;
    --backend) BACKEND=$2; shift 2 ;;
    --binary) BIN=$2; shift 2 ;;
    --label) LABEL=$2; shift 2 ;;
    --data) DATA=$2; shift 2 ;;
    --sample) SAMPLE=$2; shift 2 ;;
    *) echo "wrk.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
die() { echo "wrk.sh: $*" >&2; exit 1; }
[ "$(nproc)" -ge 2 ] || die "needs two cores (server on core 0, wrk on core 1)"
if ! command -v wrk >/dev/null; then
  [ "$(id -u)" = 0 ] || die "wrk is missing: sudo apt-get install -y wrk"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >&2 || die "apt-get install wrk failed"
fi
if [ -z "$BIN" ]; then
  cargo build --release -p mds --quiet || die "release build failed"
  BIN=$ROOT/target/release/mds
fi
BIN=$(realpath "$BIN")
LABEL=${LABEL:-$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)}

RUN=$(mktemp -d "$ROOT/target/wrk-run.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${PG_DATA:-}" ] && su postgres -s /bin/sh -c "/usr/lib/postgresql/15/bin/pg_ctl -D '$PG_DATA' -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$RUN"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export MDS_DATA_DIR=${DATA:-$RUN/data} MDS_LISTEN=127.0.0.1:$PORT MDS_LOG_LEVEL=warn
mkdir -p "$MDS_DATA_DIR"
for v in $(env | grep -o '^MDS_[A-Z_]*' | grep -v -e '^MDS_DATA_DIR$' -e '^MDS_LISTEN$' -e '^MDS_LOG_LEVEL$'); do unset "$v"; done

if [ "$BACKEND" = postgres ]; then
  # A throwaway cluster with durable settings (fsync=on, synchronous_commit=on), on core 0.
  [ "$(id -u)" = 0 ] || die "the PostgreSQL run starts its own cluster as the postgres user: run as root"
  PG_DATA=$RUN/pg PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$PG_DATA"; chown -R postgres:postgres "$RUN"; chmod 755 "$RUN"
  su postgres -s /bin/sh -c "/usr/lib/postgresql/15/bin/initdb -D '$PG_DATA' -U postgres -A trust" >"$RUN/initdb.log" 2>&1 || die "initdb failed"
  su postgres -s /bin/sh -c "taskset -c 0 /usr/lib/postgresql/15/bin/pg_ctl -D '$PG_DATA' -l '$PG_DATA/server.log' -w -o \"-c listen_addresses=127.0.0.1 -p $PG_PORT -k /tmp -c fsync=on -c synchronous_commit=on -c max_connections=200\" start" >/dev/null || die "PostgreSQL did not start"
  export MDS_DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/postgres
elif [ "$BACKEND" != sqlite ]; then
  die "--backend is sqlite or postgres"
fi

SERVE_ARGS=()
[ -z "$DATA" ] && SERVE_ARGS=(--demo)
taskset -c 0 "$BIN" serve "${SERVE_ARGS[@]}" >"$RUN/server.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 600); do
  curl -fs "http://$MDS_LISTEN/healthz" >/dev/null 2>&1 && break
  kill -0 "${PIDS[0]}" 2>/dev/null || { cat "$RUN/server.log" >&2; die "the server exited"; }
  sleep 0.2
done
curl -fs "http://$MDS_LISTEN/healthz" >/dev/null || die "the server did not answer on $MDS_LISTEN"

python3 "$ROOT/scripts/bench/wrk_setup.py" "http://$MDS_LISTEN" "$BIN" "$RUN/targets" \
  ${SAMPLE:+--sample "$SAMPLE"} >&2 || die "setup failed"
TOKEN=$(cat "$RUN/targets/token")
echo /healthz >"$RUN/targets/health.txt"

# run_wrk CONNECTIONS SECONDS MODE TARGETS -> "RESULT ..." line
run_wrk() {
  WRK_TARGETS=$4 WRK_MODE=$3 WRK_TOKEN=$TOKEN WRK_NONCE="$LABEL-$$-$RANDOM" \
    taskset -c 1 wrk -t1 -c"$1" -d"$2"s --timeout 10s -s "$ROOT/scripts/bench/wrk/scenario.lua" \
    "http://$MDS_LISTEN" | grep '^RESULT'
}
# row NAME CONNECTIONS RESULT-LINE
row() {
  python3 - "$@" "$HEALTH_RATE" "$COMMIT_RATE" <<'PY'
import sys
name, conns, result, health, commits = sys.argv[1:6]
_, n, dur, sock, status, p50, p99, mx = result.split()
rate = int(n) / (int(dur) / 1e6)
print(f"| {name} | {conns} | {int(n):,} | {rate:,.0f} | {int(p50)/1000:.1f} | {int(p99)/1000:.1f} "
      f"| {int(mx)/1000:.0f} | {int(sock) + int(status)} | {rate / float(health):.1%} | {rate / float(commits):.1%} |")
PY
}

# The limits, measured in this run: a trivial route of the same server, raw durable commits.
HEALTH=$(run_wrk 32 "$HEALTH_SECS" get "$RUN/targets/health.txt")
HEALTH_RATE=$(echo "$HEALTH" | awk '{ printf "%.0f", $2 / ($3 / 1e6) }')
COMMIT_RATE=$(taskset -c 0 python3 "$ROOT/scripts/bench/sqlite-commits.py" 5000 "$MDS_DATA_DIR" | awk '{ print $(NF-1) }')
PG_LIMIT=""
if [ "$BACKEND" = postgres ]; then
  # The durable commit rate of this cluster: one small INSERT per transaction, one client.
  psql -q "$MDS_DATABASE_URL" -c "CREATE TABLE IF NOT EXISTS bench_commits (id BIGSERIAL PRIMARY KEY, payload TEXT NOT NULL)"
  echo "INSERT INTO bench_commits (payload) VALUES (repeat('x', 200));" >"$RUN/commit.sql"
  PG_COMMITS=$(taskset -c 0 /usr/lib/postgresql/15/bin/pgbench -n -c 1 -T 5 -f "$RUN/commit.sql" "$MDS_DATABASE_URL" 2>/dev/null \
    | awk '/^tps/ { printf "%.0f", $3 }')
  psql -q "$MDS_DATABASE_URL" -c "DROP TABLE bench_commits"
  PG_LIMIT="; durable PostgreSQL commits (fsync=on, one client) $PG_COMMITS /s"
fi

# Reads first (the records hold their 50 documents), then the additions.
LIST=$(run_wrk 32 "$SECS" get "$RUN/targets/list.txt")
READ=$(run_wrk 32 "$SECS" get "$RUN/targets/read.txt")
FHIR_LIST=$(run_wrk 32 "$SECS" fhir-get "$RUN/targets/fhir_list.txt")
FHIR_READ=$(run_wrk 32 "$SECS" fhir-get "$RUN/targets/fhir_read.txt")
ADD=$(run_wrk 8 "$SECS" add "$RUN/targets/add.txt")
FHIR_ADD=$(run_wrk 8 "$SECS" fhir-add "$RUN/targets/fhir_add.txt")
RSS=$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/${PIDS[0]}/status")

echo
echo "$LABEL — $BACKEND, ${SECS} s per scenario, $(date -u '+%Y-%m-%d %H:%M UTC'), load average before: $LOAD_BEFORE"
echo "limits in this run: /healthz $HEALTH_RATE req/s (32 connections); durable SQLite commits $COMMIT_RATE /s$PG_LIMIT; server peak RSS $RSS MB"
echo
echo "| scenario | connections | requests | req/s | p50 ms | p99 ms | max ms | errors | of /healthz | of commits/s |"
echo "|---|---|---|---|---|---|---|---|---|---|"
row "/healthz" 32 "$HEALTH"
row "list 50 documents (care team)" 32 "$LIST"
row "read a 100 KB document" 32 "$READ"
row "add a 100 KB PDF" 8 "$ADD"
row "FHIR ITI-67: search 50 DocumentReferences" 32 "$FHIR_LIST"
row "FHIR ITI-68: Binary of 100 KB" 32 "$FHIR_READ"
row "FHIR ITI-65: Bundle with a 100 KB PDF" 8 "$FHIR_ADD"
if grep -q 'slow statement\|ERROR\|panicked' "$RUN/server.log"; then
  echo; echo "server log (warnings and errors):"; grep -m 20 'slow statement\|ERROR\|panicked' "$RUN/server.log"
fi
