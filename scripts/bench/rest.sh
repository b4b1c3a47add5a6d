#!/usr/bin/env bash
# REST benchmarks against the release binary: list 50 documents as a care-team professional,
# read a 100 KB document, add 100 KB PDFs — 32 concurrent connections, on SQLite then
# PostgreSQL (a throwaway cluster from scripts/services.sh).
# Usage: scripts/bench/rest.sh [SECONDS_PER_SCENARIO]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/../.."
eval "$(scripts/services.sh start)"
export MDS_BENCH_SECONDS="${1:-10}"
for backend in sqlite postgres; do
  MDS_BENCH_BACKEND="$backend" cargo test --release -p mds --test mds --quiet \
    -- bench_rest:: --ignored --nocapture 2>&1 | grep -E '^(\||backend)'
done
