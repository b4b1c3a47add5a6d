#!/usr/bin/env bash
# Builds Mon Drive Santé and starts it on the embedded default (SQLite + local encrypted
# files in ./mds-data) with the demo data. Prints the address and the demo logins.
# Extra arguments go to `mds serve` (e.g. --config mds.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo >/dev/null || { echo "demo.sh: Rust (cargo) is required: https://rustup.rs" >&2; exit 1; }
scripts/build-deps.sh
exec cargo run --quiet -p mds -- serve --demo "$@"
