#!/usr/bin/env bash
# Schemathesis against the real binary (issue 14, item 9): the published OpenAPI document
# with every check on, as a patient, a professional and without a token, each for a bounded
# time (default 90 s; first argument). Installs schemathesis (pip) when it is missing and
# fails loudly when it cannot. Reports: target/schemathesis/.
set -euo pipefail
cd "$(dirname "$0")/.."
die() { echo "openapi-tests.sh: $*" >&2; exit 1; }
command -v python3 >/dev/null || die "python3 is required"
if ! command -v st >/dev/null; then
  echo "installing schemathesis (pip)…" >&2
  python3 -m pip install -q schemathesis >&2 \
    || die "schemathesis is missing and could not be installed: python3 -m pip install schemathesis"
fi
command -v st >/dev/null || die "schemathesis installed but \`st\` is not on PATH"
cargo build -q -p mds
target="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
bin="$target/debug/mds"
[ -x "$bin" ] || die "no mds binary at $bin"
rm -rf "$target/schemathesis"
python3 tests/openapi/fuzz.py --bin "$bin" --seconds "${1:-90}" --report "$target/schemathesis"
