#!/usr/bin/env bash
# Runs every test suite of Mon Drive Santé: unit, contract (SQLite and PostgreSQL), vault
# (local and a real S3-compatible server), API, and end-to-end tests of the real binary.
# Starts (and installs if needed, as root) a throwaway PostgreSQL cluster and a local S3
# server on loopback; fails loudly when it cannot — no suite is ever skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo >/dev/null || { echo "test.sh: Rust (cargo) is required" >&2; exit 1; }
eval "$(scripts/services.sh start)"
: "${MDS_TEST_PG_URL:?services.sh did not provide PostgreSQL}"
: "${MDS_TEST_S3_ENDPOINT:?services.sh did not provide the S3 server}"
echo "PostgreSQL: $MDS_TEST_PG_URL   S3: $MDS_TEST_S3_ENDPOINT" >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
cargo test --workspace --no-fail-fast "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line for the whole run (cargo prints one per test binary, the last of which
# is often an empty doc-test run).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed;?$/) p += $(i-1); if ($i ~ /^failed;?$/) f += $(i-1); if ($i ~ /^ignored;?$/) g += $(i-1) } }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, g }' "$log"
exit "$status"
