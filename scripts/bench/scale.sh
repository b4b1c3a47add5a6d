#!/usr/bin/env bash
# The scale run of issue 13: seeds PATIENTS records of DOCUMENTS documents each (1–5 KB PDFs,
# care teams, audit events; `mds bench seed`) into a throwaway data directory, reports the seed
# time and the database and vault sizes, then runs the wrk scenarios of scripts/bench/wrk.sh on
# a sample of those records (Dr Néa in their care team).
# Usage: scripts/bench/scale.sh [--patients 300000] [--documents-per-patient 50] [--sample 100]
#                               [--seconds 60] [--binary PATH] [--dir DIR]
# Given the --dir of an earlier run (its seed.json and sample.txt), it measures that dataset
# again without seeding.
# The local vault holds one file per document: the script estimates the disk the dataset needs
# (from the bytes per document measured here: about 8.2 KB in the vault, 1.5 KB in SQLite) and
# refuses, naming the figures, when the disk of DIR cannot hold it.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PATIENTS=300000 DOCS=50 SAMPLE=100 SECS=60 BIN="" DIR=""
while [ $# -gt 0 ]; do
  case "$1" in
    --patients) PATIENTS=$2; shift 2 ;;
    --documents-per-patient) DOCS=$2; shift 2 ;;
    --sample) SAMPLE=$2; shift 2 ;;
    --seconds) SECS=$2; shift 2 ;;
    --binary) BIN=$2; shift 2 ;;
    --dir) DIR=$2; shift 2 ;;
    *) echo "scale.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
die() { echo "scale.sh: $*" >&2; exit 1; }
if [ -z "$BIN" ]; then
  cargo build --release -p mds --quiet || die "release build failed"
  BIN=$ROOT/target/release/mds
fi
BIN=$(realpath "$BIN")
DIR=${DIR:-$(mktemp -d "$ROOT/target/scale.XXXXXX")}
mkdir -p "$DIR"
# Every measurement runs on a throwaway copy of the seeded dataset (the database copied, the
# vault's immutable objects hard-linked), so that what one run adds — its deposits, hundreds
# per sampled record, and its audit events — never reaches the next: each run starts from
# the records as seeded, 50 documents in each sampled one.
COPY=""
# The copy is written out and its removal settled before anything is timed: otherwise the
# kernel flushes gigabytes of it during the scenarios and the audit's fsyncs wait behind them.
trap '[ -n "$COPY" ] && rm -rf "$COPY" && sync' EXIT
measure() {
  # Room for the copy (the database and its log; the vault is hard-linked) and for what the
  # run writes: two adding scenarios of about 800 documents/s of 100 KB each, i.e. some
  # 160 MB per second of run. Checked before copying, so a full disk is said, not met.
  local db_kb free_kb need_kb
  db_kb=$(du -ck "$DIR"/mds.db* | awk 'END { print $1 }')
  need_kb=$((db_kb + SECS * 160 * 1024))
  free_kb=$(df -Pk "$DIR" | awk 'NR == 2 { print $4 }')
  if [ "$need_kb" -gt "$free_kb" ]; then
    die "a run needs about $((need_kb / 1048576)) GB free (a copy of the $((db_kb / 1024)) MB database, and the documents added in $SECS s per scenario); $((free_kb / 1048576)) GB free on the disk of $DIR"
  fi
  COPY=$(mktemp -d "$DIR.run.XXXXXX")
  local copy=$COPY
  cp --reflink=auto "$DIR/mds.db" "$DIR/master.keys" "$DIR/sample.txt" "$copy/"
  [ -e "$DIR/mds.db-wal" ] && cp "$DIR/mds.db-wal" "$copy/"
  cp -al "$DIR/vault" "$copy/vault"
  sync
  "$ROOT/scripts/bench/wrk.sh" --seconds "$SECS" --binary "$BIN" --data "$copy" --sample "$copy/sample.txt" \
    --label "scale $PATIENTS × $DOCS"
}
if [ -s "$DIR/seed.json" ] && [ -s "$DIR/sample.txt" ]; then
  # A dataset seeded by an earlier run: measure it again without seeding.
  echo "dataset already seeded in $DIR: $(cat "$DIR/seed.json")"
  measure
  exit
fi
DOCUMENTS=$((PATIENTS * DOCS))
NEED_KB=$((DOCUMENTS * 97 / 10))
FREE_KB=$(df -Pk "$DIR" | awk 'NR == 2 { print $4 }')
if [ "$NEED_KB" -gt "$FREE_KB" ]; then
  die "$PATIENTS patients × $DOCS documents = $DOCUMENTS documents need about $((NEED_KB / 1048576)) GB (one vault file per document); $(df -Ph "$DIR" | awk 'NR == 2 { print $4 }') free on the disk of $DIR"
fi

echo "seeding $PATIENTS patients × $DOCS documents into $DIR" >&2
STARTED=$(date +%s)
MDS_DATA_DIR=$DIR MDS_LOG_LEVEL=warn taskset -c 0 "$BIN" bench seed --patients "$PATIENTS" \
  --documents-per-patient "$DOCS" --sample "$SAMPLE" --sample-file "$DIR/sample.txt" >"$DIR/seed.json" \
  || die "seeding failed"
SEED_SECS=$(( $(date +%s) - STARTED ))
DB_MB=$(du -cm "$DIR"/mds.db* | awk 'END { print $1 }')
VAULT_MB=$(du -sm "$DIR/vault" | awk '{ print $1 }')
echo
echo "dataset: $PATIENTS patients, $DOCUMENTS documents, seeded in $SEED_SECS s ($(cat "$DIR/seed.json")); SQLite $DB_MB MB, vault $VAULT_MB MB"
measure
