#!/usr/bin/env bash
# Document write throughput (encrypt + durable vault write + row + audit event in one
# transaction), on SQLite and on PostgreSQL, with a release build.
# Usage: scripts/bench/vault-writes.sh [COUNT]   (PostgreSQL from scripts/services.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT=${1:-2000}
cargo build --release -q -p mds
BIN=target/release/mds
eval "$(scripts/services.sh start)"
run() {
  local label=$1 dir; dir=$(mktemp -d)
  shift
  env "$@" MDS_DATA_DIR="$dir" MDS_LOG_LEVEL=warn "$BIN" demo load >/dev/null
  echo -n "$label: "
  env "$@" MDS_DATA_DIR="$dir" MDS_LOG_LEVEL=warn "$BIN" bench vault-writes --count "$COUNT"
  rm -rf "$dir"
}
run "SQLite + local vault"
db="mds_bench_$(date +%s)"
psql -q "$MDS_TEST_PG_URL" -c "CREATE DATABASE $db"
run "PostgreSQL (test cluster, fsync=off) + local vault" MDS_DATABASE_URL="${MDS_TEST_PG_URL%/*}/$db"
psql -q "$MDS_TEST_PG_URL" -c "DROP DATABASE $db"
