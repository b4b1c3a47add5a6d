#!/usr/bin/env bash
# Policy decisions per second on one core (pure computation: no database, no I/O).
# Usage: scripts/bench/policy.sh [COUNT]   (default 20 000 000 decisions)
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -p mds --quiet
exec taskset -c 0 ./target/release/mds bench policy --count "${1:-20000000}"
