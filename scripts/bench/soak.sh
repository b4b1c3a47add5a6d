#!/usr/bin/env bash
# Issue 14, item 8: a long load of one account's audited lists, with the server's memory
# sampled all along. The supervision job (every 60 s in `mds serve`) reads the audit written
# by that load; its memory must level off, not grow with the account's activity.
#   the release server on the demo data, pinned to core 0; wrk pinned to core 1, 32
#   connections listing Marie Wéa's 50 documents as Dr Néa (each list is an audited search
#   by the same doctor on the same record: the worst case of one subject's activity);
#   VmRSS of the server sampled every --every seconds; at the end the audit's size and one
#   supervision pass timed on the same data (`mds admin run-supervision`, server stopped).
# Usage: scripts/bench/soak.sh [--minutes 30] [--every 30] [--binary PATH] [--label TEXT]
# Prints a Markdown table of memory over time and the growth over the last two thirds.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
MINUTES=30 EVERY=30 BIN="" LABEL=""
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES=$2; shift 2 ;;
    --every) EVERY=$2; shift 2 ;;
    --binary) BIN=$2; shift 2 ;;
    --label) LABEL=$2; shift 2 ;;
    *) echo "soak.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
die() { echo "soak.sh: $*" >&2; exit 1; }
[ "$(nproc)" -ge 2 ] || die "needs two cores (server on core 0, wrk on core 1)"
command -v wrk >/dev/null || die "wrk is missing: apt-get install -y wrk"
if [ -z "$BIN" ]; then
  cargo build --release -p mds --quiet || die "release build failed"
  BIN=$ROOT/target/release/mds
fi
BIN=$(realpath "$BIN")
LABEL=${LABEL:-$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)}
LOAD_BEFORE=$(cut -d" " -f1-3 /proc/loadavg)

mkdir -p "$ROOT/target"
RUN=$(mktemp -d "$ROOT/target/soak-run.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$RUN"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export MDS_DATA_DIR=$RUN/data MDS_LISTEN=127.0.0.1:$PORT MDS_LOG_LEVEL=warn
mkdir -p "$MDS_DATA_DIR"
for v in $(env | grep -o '^MDS_[A-Z_]*' | grep -v -e '^MDS_DATA_DIR$' -e '^MDS_LISTEN$' -e '^MDS_LOG_LEVEL$'); do unset "$v"; done

taskset -c 0 "$BIN" serve --demo >"$RUN/server.log" 2>&1 &
SERVER=$!
PIDS+=("$SERVER")
for _ in $(seq 1 600); do
  curl -fs "http://$MDS_LISTEN/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$RUN/server.log" >&2; die "the server exited"; }
  sleep 0.2
done
curl -fs "http://$MDS_LISTEN/healthz" >/dev/null || die "the server did not answer on $MDS_LISTEN"
python3 "$ROOT/scripts/bench/wrk_setup.py" "http://$MDS_LISTEN" "$BIN" "$RUN/targets" >&2 \
  || die "setup failed"

# Resident memory in MB: all of it, then the anonymous part (the heap: what would leak). The
# rest is file pages (the binary, SQLite's files), which the kernel reclaims at will.
rss() { awk '/VmRSS|RssAnon/ { printf "%d ", $2 / 1024 }' "/proc/$SERVER/status"; }
events() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select max(seq) from audit_events").fetchone()[0])' "$MDS_DATA_DIR/mds.db"; }
START=$(date +%s)
echo "0 $(rss) $(events)" >"$RUN/samples"
(
  while sleep "$EVERY"; do
    kill -0 "$SERVER" 2>/dev/null || exit 0
    echo "$(( $(date +%s) - START )) $(rss) $(events)" >>"$RUN/samples"
  done
) &
PIDS+=($!)

RESULT=$(WRK_TARGETS=$RUN/targets/list.txt WRK_MODE=get WRK_TOKEN=$(cat "$RUN/targets/token") \
  WRK_NONCE="soak-$$" taskset -c 1 wrk -t1 -c32 -d"$((MINUTES * 60))"s --timeout 10s \
  -s "$ROOT/scripts/bench/wrk/scenario.lua" "http://$MDS_LISTEN" | grep '^RESULT')
echo "$(( $(date +%s) - START )) $(rss) $(events)" >>"$RUN/samples"
PEAK=$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$SERVER/status")
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
SUP_START=$(date +%s.%N)
"$BIN" admin run-supervision >"$RUN/supervision.log" 2>&1 || { cat "$RUN/supervision.log" >&2; die "run-supervision failed"; }
SUP_SECONDS=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$SUP_START" "$(date +%s.%N)")

echo
echo "$LABEL — soak of ${MINUTES} min, $(date -u '+%Y-%m-%d %H:%M UTC'), load average before: $LOAD_BEFORE"
python3 - "$RUN/samples" "$RESULT" "$PEAK" "$SUP_SECONDS" "$(tr -s '\n ' ' ' <"$RUN/supervision.log")" <<'PY'
import sys
samples = [tuple(int(x) for x in line.split()) for line in open(sys.argv[1]) if line.strip()]
_, n, dur, sock, status, p50, p99, mx = sys.argv[2].split()
rate = int(n) / (int(dur) / 1e6)
print(f"load: {int(n):,} audited lists by one doctor on one record, {rate:,.0f} req/s, "
      f"p50 {int(p50)/1000:.1f} ms, p99 {int(p99)/1000:.1f} ms, errors {int(sock) + int(status)}; "
      f"server peak RSS {sys.argv[3]} MB")
print(f"then one supervision pass over the whole audit (`mds admin run-supervision`, server "
      f"stopped): {sys.argv[4]} s — {sys.argv[5]}")
print()
print("| minute | server RSS (MB) | of which anonymous (MB) | audit events |")
print("|---|---|---|---|")
shown, last_minute = [], -1
for s in samples:
    minute = s[0] // 60
    if minute % 5 == 0 and minute != last_minute or s == samples[-1]:
        shown.append(s); last_minute = minute
for t, rss, anon, ev in shown:
    print(f"| {t / 60:.1f} | {rss} | {anon} | {ev:,} |")
end = samples[-1][0]
third = [s for s in samples if s[0] >= end / 3]
print()
for name, i in (("RSS", 1), ("anonymous RSS", 2)):
    lo, hi = min(s[i] for s in third), max(s[i] for s in third)
    first, last = third[0][i], samples[-1][i]
    print(f"over the last two thirds (minute {third[0][0] / 60:.0f} to {end / 60:.0f}): {name} "
          f"from {first} to {last} MB (min {lo}, max {hi}); change "
          f"{100 * (last - first) / first:+.1f} %, while the audit grew from {third[0][3]:,} to "
          f"{samples[-1][3]:,} events")
PY
