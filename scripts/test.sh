#!/usr/bin/env bash
# Runs every test suite of Mon Drive Santé: unit, contract (SQLite and PostgreSQL), vault
# (local and a real S3-compatible server), API, portals, end-to-end tests of the real binary,
# then the FHIR suite with real FHIR clients on SQLite and PostgreSQL (scripts/fhir-tests.sh),
# then the browser journeys through the portals (scripts/browser-tests.sh), then a brief run of
# every fuzzing target (scripts/fuzz.sh, 10 s each; MDS_TEST_FUZZ_SECONDS changes it), and
# schemathesis over the OpenAPI document (scripts/openapi-tests.sh, 90 s per identity).
# Starts (and installs if needed, as root) a throwaway PostgreSQL cluster and a local S3
# server on loopback; fails loudly when it cannot — no suite is ever skipped. (`cargo test`
# without MDS_TEST_PG_URL and MDS_TEST_S3_ENDPOINT runs on SQLite and the local vault only.)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo >/dev/null || { echo "test.sh: Rust (cargo) is required" >&2; exit 1; }
scripts/build-deps.sh
eval "$(scripts/services.sh start)"
: "${MDS_TEST_PG_URL:?services.sh did not provide PostgreSQL}"
: "${MDS_TEST_S3_ENDPOINT:?services.sh did not provide the S3 server}"
echo "PostgreSQL: $MDS_TEST_PG_URL   S3: $MDS_TEST_S3_ENDPOINT" >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
cargo test --workspace --no-fail-fast "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# Real FHIR clients against the real binary, on both databases (a failure fails the run).
flog=$(mktemp)
trap 'rm -f "$log" "$flog"' EXIT
scripts/fhir-tests.sh 2>&1 | tee "$flog"
fhir_status=${PIPESTATUS[0]}
# The portals in a real browser, after the Rust suites (a failure fails the run).
blog=$(mktemp)
trap 'rm -f "$log" "$flog" "$blog"' EXIT
scripts/browser-tests.sh 2>&1 | tee "$blog"
browser_status=${PIPESTATUS[0]}
# Schemathesis over the OpenAPI document against the real binary (a failure fails the run).
olog=$(mktemp)
trap 'rm -f "$log" "$flog" "$blog" "$olog"' EXIT
scripts/openapi-tests.sh "${MDS_TEST_SCHEMATHESIS_SECONDS:-90}" 2>&1 | tee "$olog"
openapi_status=${PIPESTATUS[0]}
# Every fuzzing target briefly, after the suites (a crash fails the run; docs/FUZZING.md).
zlog=$(mktemp)
trap 'rm -f "$log" "$flog" "$blog" "$olog" "$zlog"' EXIT
scripts/fuzz.sh "${MDS_TEST_FUZZ_SECONDS:-10}" 2>&1 | tee "$zlog"
fuzz_status=${PIPESTATUS[0]}
set -e
# One closing line for the whole run (cargo prints one per test binary, the last of which
# is often an empty doc-test run), the FHIR suite's, the browser journeys' and the fuzzing
# targets' counts included (a suite that printed no count counts as one failure).
last() { sed -n "s/^\([0-9]*\) passed, \([0-9]*\) failed\$/\\$2/p" "$1" | tail -n1; }
fp=$(last "$flog" 1); ff=$(last "$flog" 2)
bp=$(last "$blog" 1); bf=$(last "$blog" 2)
zp=$(last "$zlog" 1); zf=$(last "$zlog" 2)
op=$(last "$olog" 1); of=$(last "$olog" 2)
awk -v xp="$(( ${fp:-0} + ${bp:-0} + ${zp:-0} + ${op:-0} ))" -v xf="$(( ${ff:-1} + ${bf:-1} + ${zf:-1} + ${of:-1} ))" \
  '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed;?$/) p += $(i-1); if ($i ~ /^failed;?$/) f += $(i-1); if ($i ~ /^ignored;?$/) g += $(i-1) } }
     END { printf "%d passed, %d failed, %d skipped\n", p + xp, f + xf, g }' "$log"
[ "$status" = 0 ] || exit "$status"
[ "$fhir_status" = 0 ] || exit "$fhir_status"
[ "$browser_status" = 0 ] || exit "$browser_status"
[ "$openapi_status" = 0 ] || exit "$openapi_status"
exit "$fuzz_status"
