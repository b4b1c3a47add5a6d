#!/usr/bin/env bash
# Listing as a record grows, for an A/B of two binaries (docs/PERFORMANCE.md):
#   a fresh demo server pinned to core 0, wrk pinned to core 1 (the scenarios of wrk.sh):
#   /healthz 10 s; list the record's 50 documents 20 s; add 100 KB PDFs to it 30 s (8
#   connections); list the same page again 15 s, now on a record of thousands of documents.
# Usage: scripts/bench/list_growth.sh BINARY LABEL   (prints one line)
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "$1"); LABEL=$2
RUN=$(mktemp -d "$PWD/target/list-growth.XXXXXX")
export MDS_DATA_DIR=$RUN/data MDS_LISTEN=127.0.0.1:18458 MDS_LOG_LEVEL=warn
mkdir -p "$MDS_DATA_DIR"
taskset -c 0 "$BIN" serve --demo >"$RUN/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$RUN"' EXIT
for _ in $(seq 100); do curl -fs "http://$MDS_LISTEN/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
python3 scripts/bench/wrk_setup.py "http://$MDS_LISTEN" "$BIN" "$RUN/targets" >/dev/null
TOKEN=$(cat "$RUN/targets/token")
echo /healthz >"$RUN/targets/health.txt"
# w CONNECTIONS MODE TARGETS SECONDS -> "N req/s p99 X ms"
w() {
  WRK_TARGETS=$RUN/targets/$3 WRK_MODE=$2 WRK_TOKEN=$TOKEN WRK_NONCE="growth-$$-$RANDOM" \
    taskset -c 1 wrk -t1 -c"$1" -d"$4"s --timeout 10s -s scripts/bench/wrk/scenario.lua \
    "http://$MDS_LISTEN" | awk '/^RESULT/ { printf "%.0f req/s p99 %.1f ms", $2 / ($3 / 1e6), $7 / 1000 }'
}
H=$(w 32 get health.txt 10)
L=$(w 32 get list.txt 20)
A=$(w 8 add add.txt 30)
N=$(sqlite3 "$MDS_DATA_DIR/mds.db" "SELECT COUNT(*) FROM documents WHERE status = 'current' GROUP BY patient_id ORDER BY 1 DESC LIMIT 1")
B=$(w 32 get list.txt 15)
echo "$LABEL | /healthz $H | list, 50 documents: $L | add: $A | list, record of $N documents: $B"
